/** The Spotify client secret, which never appears in the template or the function's environment. */
import { optional, type Env } from './config';
import { ConfigError, StorageError } from './errors';
import { logger } from './logger';
import { ContainerMemory } from './memory';

/** A container asks SSM at most this often. */
const CACHE_MS = 300_000;

/** What anyone may be told when SSM does not give the secret: the variable, never the parameter's path. */
const UNREADABLE = "The Spotify client secret could not be read from SSM (SPOTIFY_CLIENT_SECRET_PARAM). The site owner can see why in the function's log.";

/** The secret by its parameter's name: one, and a container asks SSM for it once at a time. */
const secrets = new ContainerMemory<string>({ bound: 1 });

/**
 * The client secret: SPOTIFY_CLIENT_SECRET locally; deployed, a SecureString in SSM named by
 * SPOTIFY_CLIENT_SECRET_PARAM, read within the request's deadline and kept for five minutes.
 */
export async function clientSecret(env: Env = process.env): Promise<string> {
  const direct = optional(env, 'SPOTIFY_CLIENT_SECRET');
  if (direct) return direct;
  const name = optional(env, 'SPOTIFY_CLIENT_SECRET_PARAM');
  if (!name || env.IS_OFFLINE) {
    throw new ConfigError('SPOTIFY_CLIENT_SECRET is not set. Copy it from your app in the Spotify developer dashboard into .env.');
  }
  return secrets.get(name) ?? secrets.load(name, async () => {
    const value = await readParameter(name, env.AWS_REGION);
    secrets.set(name, value, Date.now() + CACHE_MS);
    return value;
  });
}

async function readParameter(name: string, region: string | undefined): Promise<string> {
  // Loaded on first use: only the functions that call Spotify's token endpoint need the SSM client.
  const { decryptedParameter } = await import('./ssm');
  let value: string | undefined;
  try {
    value = await decryptedParameter(name);
  } catch (error) {
    throw failure(error, name, region);
  }
  if (!value) throw new ConfigError(UNREADABLE, `The SSM parameter ${name} (SPOTIFY_CLIENT_SECRET_PARAM) is empty. Put your Spotify app's client secret in it.`);
  return value;
}

/** What SSM refused is the owner's to fix (the log says how); SSM not answering is worth a retry. */
function failure(error: unknown, name: string, region: string | undefined): Error {
  const { name: kind, message, $fault } = error as Error & { $fault?: string };
  if (kind === 'ParameterNotFound') {
    return new ConfigError(
      UNREADABLE,
      `The SSM parameter ${name} (SPOTIFY_CLIENT_SECRET_PARAM) does not exist in ${region ?? 'this region'}. ` +
        `Create it there as a SecureString holding your Spotify app's client secret: ` +
        `aws ssm put-parameter${region ? ` --region ${region}` : ''} --type SecureString --name ${name} --value '<your client secret>'`,
    );
  }
  if (kind === 'AccessDeniedException') {
    return new ConfigError(
      UNREADABLE,
      `SSM refused to let this function read ${name} (SPOTIFY_CLIENT_SECRET_PARAM). Its role needs ssm:GetParameter on that parameter ` +
        `(serverless.yml grants it for the stage's own parameter), and kms:Decrypt if the parameter is encrypted with your own KMS key. SSM said: ${message}`,
    );
  }
  if ($fault === 'client' && kind !== 'ThrottlingException') {
    return new ConfigError(UNREADABLE, `SSM refused to read ${name} (SPOTIFY_CLIENT_SECRET_PARAM): ${kind}: ${message}`);
  }
  logger.warn('SSM did not answer with the client secret', { error: kind });
  return new StorageError(`SSM GetParameter failed: ${kind}`);
}
