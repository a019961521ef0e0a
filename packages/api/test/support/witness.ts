import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A witness on loopback, written from the protocol in modules/audit-publish/README.md alone (none of our
 * code): it countersigns each head POSTed to it with a key of its own, over the head's signed bytes, and
 * answers GET with the newest head it countersigned.
 */
export interface TestWitness {
  url: string;
  /** base64 SPKI DER, as AUDIT_WITNESS_KEYS takes it. */
  publicKey: string;
  /** Heads countersigned, in order received. */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startWitness(): Promise<TestWitness> {
  const pair = generateKeyPairSync('ed25519');
  const der = pair.publicKey.export({ type: 'spki', format: 'der' });
  const witnessKeyId = createHash('sha256').update(der).digest('hex').slice(0, 16);
  const received: Record<string, unknown>[] = [];
  let latest: Record<string, unknown> | null = null;
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') return latest ? answer(200, latest) : answer(404, { error: 'no head yet' });
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      const head = JSON.parse(text) as Record<string, string | number>;
      const bytes = `b24-gdpr audit tree head v1\n${head.logId}\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}\n`;
      const countersignature = sign(null, Buffer.from(bytes), pair.privateKey).toString('base64');
      received.push(head);
      latest = { head, witnessKeyId, countersignature };
      answer(200, { witnessKeyId, countersignature });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/log`,
    publicKey: der.toString('base64'),
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A URL where nothing listens: a port taken and given back. */
export async function downWitnessUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/log`;
}
