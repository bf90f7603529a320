/*
 * Every Redis key name actorgres uses, built in one place. All start with the
 * cluster's prefix (default `ag:`), so several clusters can share one Redis
 * and `redis-cli --scan --pattern 'ag:*'` shows everything of one cluster.
 *
 *   {p}epoch            string  generation of the shared state; a Redis that
 *                               restarted empty lacks it (crash-restart cycle)
 *   {p}procs            set     ids of every live process/actor (pg_stat_activity rows)
 *   {p}proc:{id}        hash    one entry: role, name, pid, node, state, started_at, restarts ...
 *   {p}procs:pid:{pid}  set     ids hosted by one OS process, to clean up after its death
 */
export class Keys {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_.:{}-]*$/.test(prefix)) throw new Error(`invalid Redis key prefix "${prefix}"`);
  }

  epoch(): string {
    return `${this.prefix}epoch`;
  }

  procs(): string {
    return `${this.prefix}procs`;
  }

  proc(id: string): string {
    return `${this.prefix}proc:${id}`;
  }

  /** Prefix of proc hashes, for scripts that build them from ids. */
  procPrefix(): string {
    return `${this.prefix}proc:`;
  }

  procsOfPid(pid: number): string {
    return `${this.prefix}procs:pid:${pid}`;
  }
}
