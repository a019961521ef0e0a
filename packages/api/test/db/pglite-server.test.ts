import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PgliteServer, startPgliteServer } from '../../src/db/pglite-server.ts';
import { bind, execute, firstColumn, flush, parse, RawClient, sync } from './raw-client.ts';

let db: PGlite;
let server: PgliteServer;
const clients: pg.Client[] = [];
const warnings: string[] = [];

async function connect(url = server.url): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // dropped on purpose by some tests
  await client.connect();
  clients.push(client);
  return client;
}

async function connectionsDownTo(count: number): Promise<void> {
  while (server.stats().connections > count) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Settles within `ms`? Used to show a query is held back, not just slow. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

beforeAll(async () => {
  db = await PGlite.create('memory://');
  server = await startPgliteServer({
    db,
    maxConnections: 12,
    idleOwnerTimeoutMs: 1000,
    logger: { warn: (message) => warnings.push(message) },
  });
  const setup = await connect();
  await setup.query('create table item (id int primary key, owner text not null)');
  await setup.end();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  const cleanup = await connect();
  await cleanup.query('truncate item');
  await cleanup.end();
  clients.length = 0;
});

afterAll(async () => {
  await server.close();
  await db.close();
});

describe('PGlite server', () => {
  it('keeps concurrent extended-protocol queries apart: every answer matches its own parameters', async () => {
    const run = async (c: number) => {
      const client = await connect();
      for (let i = 0; i < 200; i++) {
        // Each client's statement has its own shape, so another client's Parse landing in between shows.
        const { rows, fields } = await client.query(`select $1::int as c${c}, $2::text as tag`, [
          i,
          `${c}:${i}`,
        ]);
        expect(fields.map((f) => f.name)).toEqual([`c${c}`, 'tag']);
        expect(rows).toEqual([{ [`c${c}`]: i, tag: `${c}:${i}` }]);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, c) => run(c)));
  });

  it('holds the session from a Parse to its Sync, even when the client waits in between', async () => {
    const raw = await RawClient.connect(server.url);
    try {
      raw.send(parse("select 'raw:' || $1::text as from_raw"), flush());
      await raw.readUntil('1'); // ParseComplete
      const other = await connect();
      const otherQuery = other.query('select $1::text as from_pg', ['pg']);
      // Were the other Parse let in now, it would replace the unnamed statement the Bind below refers to.
      expect(await settlesWithin(otherQuery, 100)).toBe(false);
      raw.send(bind(['x']), execute(), sync());
      const replies = await raw.readUntil('Z');
      expect(firstColumn(replies.find((m) => m[0] === 'D'.charCodeAt(0))!)).toBe('raw:x');
      expect((await otherQuery).rows).toEqual([{ from_pg: 'pg' }]);
    } finally {
      raw.close();
    }
  });

  it('runs explicit transactions one at a time: the other connection waits, then sees only committed data', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('begin');
    await a.query('insert into item values (1, $1)', ['a']);
    expect((await a.query('select owner from item')).rows).toEqual([{ owner: 'a' }]);

    const bWork = (async () => {
      await b.query('begin');
      const seen = (await b.query('select owner from item order by id')).rows;
      await b.query('insert into item values (2, $1)', ['b']);
      await b.query('commit');
      return seen;
    })();
    expect(await settlesWithin(bWork, 150)).toBe(false);

    expect((await a.query('select owner from item')).rows).toEqual([{ owner: 'a' }]);
    await a.query('commit');
    expect(await bWork).toEqual([{ owner: 'a' }]);
    expect((await a.query('select owner from item order by id')).rows).toEqual([
      { owner: 'a' },
      { owner: 'b' },
    ]);
  });

  it('keeps a failed transaction (status E) to its owner until it rolls back', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('begin');
    await a.query('insert into item values (1, $1)', ['a']);
    await expect(a.query('select no_such_column from item')).rejects.toThrow(/no_such_column/);
    const bCount = b.query('select count(*)::int as n from item');
    expect(await settlesWithin(bCount, 100)).toBe(false);
    await a.query('rollback');
    expect((await bCount).rows).toEqual([{ n: 0 }]);
  });

  it('rolls back the transaction of a client that disconnects, and goes on serving', async () => {
    for (const hangUp of ['terminate', 'drop'] as const) {
      const a = await connect();
      await a.query('begin');
      await a.query('insert into item values (1, $1)', ['gone']);
      const b = await connect();
      const bRead = b.query('select count(*)::int as n from item');
      if (hangUp === 'terminate') await a.end();
      else (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect((await bRead).rows).toEqual([{ n: 0 }]);
      expect((await b.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    }
  });

  it('disconnects a client idle mid-transaction past the timeout, rolling it back, so others go on', async () => {
    const a = await connect();
    await a.query('begin');
    await a.query('insert into item values (1, $1)', ['idle']);
    const started = Date.now();
    const b = await connect();
    expect((await b.query('select count(*)::int as n from item')).rows).toEqual([{ n: 0 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await expect(a.query('select 1')).rejects.toThrow();
    expect(warnings).toEqual([expect.stringMatching(/idle in a transaction for 1000 ms while 1 waited/)]);
  });

  it("keeps one client's session settings (pg_dump's empty search_path) from every other client", async () => {
    const dumper = await connect();
    const app = await connect();
    await app.query("insert into item values (1, 'app')");
    const defaultPath = (await app.query('show search_path')).rows[0].search_path;
    // What pg_dump does first: every later name it uses is schema-qualified.
    await dumper.query("select pg_catalog.set_config('search_path', '', false)");
    await dumper.query('set statement_timeout = 12345');
    expect((await app.query('select owner from item')).rows).toEqual([{ owner: 'app' }]);
    expect((await app.query('show search_path')).rows[0].search_path).toBe(defaultPath);
    // The dumper's own settings come back whenever it runs again.
    expect((await dumper.query('show search_path')).rows[0].search_path).toMatch(/^("")?$/);
    expect((await dumper.query('show statement_timeout')).rows[0].statement_timeout).toBe('12345ms');
    await expect(dumper.query('select owner from item')).rejects.toThrow(/relation "item" does not exist/);
    expect((await app.query('select owner from item')).rows).toEqual([{ owner: 'app' }]);
    // Gone with the client: the next one starts from the defaults.
    await dumper.end();
    const next = await connect();
    expect((await next.query('show statement_timeout')).rows[0].statement_timeout).toBe('0');
    expect((await next.query('select count(*)::int as n from item')).rows[0].n).toBe(1);
  });

  it('asks for the password and refuses a wrong one', async () => {
    const wrong = new URL(server.url);
    wrong.password = 'not-the-password';
    await expect(connect(wrong.toString())).rejects.toThrow(/password authentication failed/);
    const none = new URL(server.url);
    none.password = '';
    await expect(connect(none.toString())).rejects.toThrow();
  });

  it('refuses connections over the limit with a PostgreSQL error, and accepts again once below it', async () => {
    await connectionsDownTo(0);
    const open = await Promise.all(Array.from({ length: 12 }, () => connect()));
    await expect(connect()).rejects.toThrow(/too many clients/);
    await open[0]!.end();
    await connectionsDownTo(11);
    const again = await connect();
    expect((await again.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('closes with clients still connected, one of them inside a transaction', async () => {
    const local = await PGlite.create('memory://');
    const own = await startPgliteServer({ db: local });
    const a = await connect(own.url);
    const b = await connect(own.url);
    await a.query('begin');
    const waiting = b.query('select 1');
    await own.close();
    await expect(waiting).rejects.toThrow();
    expect(own.stats()).toEqual({ connections: 0, waiting: 0 });
    await local.close();
  });
});
