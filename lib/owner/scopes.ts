/** What the service asks the owner to allow: reading their top artists and tracks, nothing else. */
export const SCOPES: readonly string[] = ['user-top-read'];
