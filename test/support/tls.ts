/**
 * TLS material for tests: a throwaway self-signed certificate for the simulator's HTTPS mode
 * and the same certificate written as a PEM "CA file", the way a user would configure a
 * private CA. Files live in a temp directory the caller removes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSelfSignedCert } from '../simulator/tls';

export interface TestTls {
  cert: string;
  key: string;
  /** The certificate as a PEM file: trusting it trusts the simulator. */
  caFile: string;
  /** An unrelated certificate as a PEM file: trusting it does not help. */
  otherCaFile: string;
  cleanup(): void;
}

export function makeTestTls(): TestTls {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-tls-'));
  const { cert, key } = makeSelfSignedCert();
  const other = makeSelfSignedCert();
  const caFile = path.join(dir, 'corp-ca.pem');
  const otherCaFile = path.join(dir, 'other-ca.pem');
  fs.writeFileSync(caFile, cert);
  fs.writeFileSync(otherCaFile, other.cert);
  return { cert, key, caFile, otherCaFile, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
