/**
 * The SSM client, for client-secret.ts and webhook-url.ts, which import this module on first use. The SDK is
 * imported statically here so that the bundle loads it with require(), which finds the copy the
 * nodejs24.x runtime provides on NODE_PATH (serverless.yml does not bundle it); a dynamic
 * import() of the SDK itself would not look there.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsCallOptions, awsClientLimits, shownToTests } from './aws-calls';

// The runtime's SDK may be older than ours; there requestTimeout is how long the socket may stay
// silent, which bounds a stalled attempt just the same.
let client: SSMClient | undefined;

/** A parameter's decrypted value (undefined if it has none), within the request's deadline. */
export async function decryptedParameter(name: string): Promise<string | undefined> {
  client ??= shownToTests(new SSMClient(awsClientLimits()));
  const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), awsCallOptions());
  return Parameter?.Value;
}
