/**
 * The lab API's credentials: a certificate authority made for this lab alone, a serving certificate it
 * signs for 127.0.0.1 and localhost, and a random bearer token. Node has no X.509 generation, so `openssl`
 * (Debian package `openssl`) makes the keys and certificates, called with argument arrays. Private keys and
 * the token are written mode 0600 into the lab's state folder, which lab teardown removes.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { PodnetTargetError } from '../../spec/errors.ts';

export interface ApiCredentials {
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  readonly token: string;
  /** Where the files are. */
  readonly dir: string;
}

/** Validity of the CA and serving certificate (the lab lives for a test or a session, not a year). */
const DAYS = '30';

async function openssl(args: readonly string[]): Promise<void> {
  const r = await execa('openssl', args, { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    throw new PodnetTargetError(
      'PODNET_LABAPI_TLS',
      `openssl ${args[0]} failed: ${String(r.stderr || r.shortMessage)
        .trim()
        .split('\n')
        .slice(0, 4)
        .join(' ')}`,
      'install the Debian package `openssl`',
    );
  }
}

/** Makes a CA, a serving certificate for 127.0.0.1/localhost and a token under `dir` (created 0700). */
export async function makeCredentials(dir: string, labId: string): Promise<ApiCredentials> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  const serverKey = join(dir, 'server.key');
  const serverCert = join(dir, 'server.crt');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    caKey,
    '-out',
    caCert,
    '-days',
    DAYS,
    '-subj',
    `/CN=podnet-lab-${labId}-ca`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    serverKey,
    '-out',
    serverCert,
    '-days',
    DAYS,
    '-subj',
    `/CN=podnet-lab-${labId}-apiserver`,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  const token = randomBytes(32).toString('base64url');
  await writeFile(join(dir, 'token'), `${token}\n`, { mode: 0o600 });
  await chmod(caKey, 0o600);
  await chmod(serverKey, 0o600);
  return {
    caCertPem: await readFile(caCert, 'utf8'),
    serverCertPem: await readFile(serverCert, 'utf8'),
    serverKeyPem: await readFile(serverKey, 'utf8'),
    token,
    dir,
  };
}
