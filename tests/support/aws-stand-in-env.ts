/** Just enough for the AWS SDK to sign requests to a local stand-in (SSM, SNS), and nothing from this machine's AWS setup. */
export const STAND_IN_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
  AWS_SECRET_ACCESS_KEY: 'stand-in-secret-key',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_EC2_METADATA_DISABLED: 'true',
};
