/*
 * Connections to the Redis that serves as shared memory.
 *
 * `autoResendUnfulfilledCommands` is off: a state-changing script whose reply
 * was lost with the connection must not silently run a second time; the
 * caller sees the error instead.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';

/** `unix:/path/to/sock` (the embedded server) or a redis:// URL. */
export function connectRedis(address: string, name: string, extra: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    connectionName: name,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(20 * times, 500),
    lazyConnect: false,
    ...extra,
  };
  if (address.startsWith('unix:')) return new Redis({ ...base, path: address.slice('unix:'.length) });
  if (/^rediss?:\/\//.test(address)) return new Redis(address, base);
  throw new Error(`invalid Redis address "${address}": expected unix:/path or redis://host:port`);
}
