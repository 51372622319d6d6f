/** The Spotify client secret, which never appears in the template or the function's environment. */
import { optional, type Env } from './config';
import { ConfigError } from './errors';

/**
 * The client secret: SPOTIFY_CLIENT_SECRET locally; deployed, a SecureString in SSM
 * named by SPOTIFY_CLIENT_SECRET_PARAM, fetched at runtime and cached for five minutes.
 */
export async function clientSecret(env: Env = process.env): Promise<string> {
  const direct = optional(env, 'SPOTIFY_CLIENT_SECRET');
  if (direct) return direct;
  const parameterName = optional(env, 'SPOTIFY_CLIENT_SECRET_PARAM');
  if (!parameterName || env.IS_OFFLINE) {
    throw new ConfigError('SPOTIFY_CLIENT_SECRET is not set. Copy it from your app in the Spotify developer dashboard into .env.');
  }
  let secret: string | undefined;
  try {
    // Loaded only here: the SSM client is needed only by deployed functions that call Spotify's token endpoint.
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
    secret = await getParameter(parameterName, { decrypt: true, maxAge: 300 });
  } catch {
    throw new ConfigError(`The SSM parameter ${parameterName} (SPOTIFY_CLIENT_SECRET_PARAM) could not be read. Create it as a SecureString.`);
  }
  if (!secret) throw new ConfigError(`The SSM parameter ${parameterName} (SPOTIFY_CLIENT_SECRET_PARAM) is empty.`);
  return secret;
}
