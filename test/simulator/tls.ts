/**
 * A throwaway self-signed certificate for HTTPS tests (CN=localhost, SAN localhost and
 * 127.0.0.1), made with the openssl CLI. The key never leaves the temp directory, which is
 * removed at once.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `dnsNames` adds host names to the certificate (e.g. `*.online.tableau.com` for tests reaching made-up hosts through a proxy). */
export function makeSelfSignedCert(dnsNames: string[] = []): { cert: string; key: string } {
  const san = ['DNS:localhost', ...dnsNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-sim-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`,
      '-keyout', keyFile, '-out', certFile,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  } catch (e) {
    throw new Error(`makeSelfSignedCert needs the openssl command: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
