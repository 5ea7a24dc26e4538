/**
 * A referee we did not write: Tableau's own REST schema (test/fixtures/ts-api_3_29.xsd),
 * applied with libxml2 (libxml2-wasm: WebAssembly, no native build) to the XML the client
 * sends and the simulator answers. Deviations Tableau itself makes are in schemaAllowList.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_DEVIATIONS, type SchemaDeviation } from './schemaAllowList';

export const TABLEAU_NS = 'http://tableau.com/api';

// The few pieces of libxml2-wasm used here (an ES module with top-level await: loaded with import()).
interface XmlNodeLike { name?: string; parent: XmlNodeLike | null }
interface XmlDocumentLike { get(xpath: string): XmlNodeLike | null; dispose(): void }
interface ErrorDetailLike { message: string; line: number; col: number; xpath?: string }
interface Libxml2 {
  XmlDocument: { fromString(source: string): XmlDocumentLike };
  XsdValidator: { fromDoc(doc: XmlDocumentLike): { validate(doc: XmlDocumentLike): void; dispose(): void } };
}

export interface SchemaError {
  message: string;
  /** Local names from the root to the element reported on, e.g. `tsResponse/workbook/project`. */
  path: string;
  /** The deviation that allows it, if any. */
  allowedBy?: SchemaDeviation;
}

export interface SchemaVerdict {
  status: 'valid' | 'allowed' | 'invalid';
  errors: SchemaError[];
}

/**
 * Tableau accepts `<tsRequest>` with or without its namespace (the client sends it without);
 * the schema only knows the namespaced element, so add it when absent.
 */
export function withTableauNamespace(text: string): string {
  const m = /<(tsRequest|tsResponse)(?=[\s/>])[^>]*>/.exec(text);
  if (!m || /\sxmlns\s*=/.test(m[0])) return text;
  const at = m.index + 1 + m[1].length;
  return `${text.slice(0, at)} xmlns="${TABLEAU_NS}"${text.slice(at)}`;
}

function namePath(node: XmlNodeLike | null): string | undefined {
  const names: string[] = [];
  // Bounded by the document's depth; the guard stops a cycle if the library ever had one.
  for (let n = node; n && names.length < 256; n = n.parent) if (n.name) names.unshift(n.name.replace(/^.*:/, ''));
  return names.length ? names.join('/') : undefined;
}

export class SchemaReferee {
  private constructor(
    private readonly lib: Libxml2,
    private readonly validator: { validate(doc: XmlDocumentLike): void },
    private readonly deviations: readonly SchemaDeviation[],
  ) {}

  /** Compiles the schema once (a few hundred ms); `deviations` defaults to the allow-list. */
  static async load(deviations: readonly SchemaDeviation[] = SCHEMA_DEVIATIONS): Promise<SchemaReferee> {
    const lib = (await import('libxml2-wasm')) as unknown as Libxml2;
    const xsd = fs.readFileSync(schemaPath(), 'utf8');
    const validator = lib.XsdValidator.fromDoc(lib.XmlDocument.fromString(xsd));
    return new SchemaReferee(lib, validator, deviations);
  }

  check(text: string): SchemaVerdict {
    let doc: XmlDocumentLike;
    try {
      doc = this.lib.XmlDocument.fromString(withTableauNamespace(text));
    } catch (e) {
      return { status: 'invalid', errors: [{ message: `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`, path: '' }] };
    }
    try {
      this.validator.validate(doc);
      return { status: 'valid', errors: [] };
    } catch (e) {
      const details = (e as { details?: ErrorDetailLike[] }).details;
      const raw = details?.length ? details : [{ message: e instanceof Error ? e.message : String(e), line: 0, col: 0 }];
      const errors = raw.map((d): SchemaError => {
        const where = (d.xpath && namePath(doc.get(d.xpath))) ?? d.xpath ?? `line ${d.line}`;
        const message = d.message.trim();
        return { message, path: where, allowedBy: this.deviations.find((x) => x.path.test(where) && x.message.test(message)) };
      });
      return { status: errors.every((x) => x.allowedBy) ? 'allowed' : 'invalid', errors };
    } finally {
      doc.dispose();
    }
  }
}

/** The schema next to the sources (the tests run from out/, bundled). */
function schemaPath(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'test', 'fixtures', 'ts-api_3_29.xsd');
    if (fs.existsSync(p)) return p;
    if (path.dirname(dir) === dir) throw new Error('test/fixtures/ts-api_3_29.xsd not found above ' + __dirname);
  }
}
