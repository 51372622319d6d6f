/**
 * The one DynamoDB table and its key model:
 *   pk "owner"                 the bound owner, their tokens and Spotify's standing (owner/owner-store.ts)
 *   pk "refresh-lease"         who may call Spotify's token endpoint right now (owner/refresh-lease.ts)
 *   pk "login-state#<sha256>"  a pending /login, single use, short-lived (owner/login-state.ts)
 *   pk "result#<name>"         the last good result of a listening source, e.g. "result#artists#short_term"
 *                              (listening/result-store.ts)
 * dynalite has no transactions and does not expire TTL items: every write that must not race is
 * a conditional single-item write, and expiry times are checked in code.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsCallOptions } from './aws-calls';
import { tableName } from './config';
import { documentClient } from './dynamo';
import { StorageError } from './errors';

type Command = GetCommand | PutCommand | UpdateCommand | DeleteCommand;

/**
 * Sends one command to the table, within the request's deadline (aws-calls.ts); any failure but a
 * failed condition (a timeout included) becomes a StorageError.
 */
export async function send<T>(build: (table: string) => Command): Promise<T> {
  const command = build(tableName());
  try {
    // The client's overloads cannot take a union of commands; each caller names its output type.
    return (await documentClient().send(command as GetCommand, awsCallOptions())) as T;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw new StorageError(`DynamoDB request failed: ${(error as Error)?.name ?? 'unknown'}`);
  }
}

/** Runs a conditional write; false when its condition did not hold. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
