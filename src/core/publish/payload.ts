/**
 * The `request_payload` XML of a publish. Every value is escaped for an XML attribute,
 * with `'` as `&#39;` (Tableau's publish parser is reported to reject `&apos;`).
 */
import { TableauError } from '../errors';
import { globalRedactor } from '../logger';

/** Credentials to embed for one connection of the published content. The password is a secret. */
export interface ConnectionCredentials {
  /** Which connection (workbooks): matched by server address and port. */
  serverAddress?: string;
  serverPort?: string;
  username: string;
  password: string;
  /** Keep the credentials with the published content (default true). */
  embed?: boolean;
  /** The credentials name a saved OAuth credential rather than a password. */
  oAuth?: boolean;
}

export interface WorkbookPayload {
  name: string;
  projectId: string;
  showTabs?: boolean;
  description?: string;
  hiddenViews?: string[];
  /** LUID of the user, or of the group, whose access renders the thumbnails (Publish Workbook takes one of them; TSC publish_req). */
  thumbnailsUserId?: string;
  thumbnailsGroupId?: string;
  connectionCredentials?: ConnectionCredentials[];
}

export interface DataSourcePayload {
  name: string;
  projectId: string;
  description?: string;
  connectionCredentials?: ConnectionCredentials[];
  /**
   * How many database hosts the file's connections that need credentials name (`credentialHosts`). With more than one, even a
   * single login is tied to its host, so that Tableau cannot apply it to the file's other hosts.
   */
  hostsInFile?: number;
}

// XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Escapes a value for a double- or single-quoted XML attribute; refuses characters XML cannot carry. */
export function xmlAttr(value: string, what = 'A value'): string {
  if (FORBIDDEN.test(value)) {
    throw new TableauError({ reason: 'invalidArgument', message: `${what} holds a control character that XML cannot carry.` });
  }
  return value.replace(/[&<>"'\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&#39;';
      // Raw whitespace in attributes is normalised to spaces by parsers; references survive.
      case '\t':
        return '&#9;';
      case '\n':
        return '&#10;';
      default:
        return '&#13;';
    }
  });
}

function attrs(pairs: [string, string | boolean | undefined][], what: string): string {
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v), `${what} ${k}`)}"`)
    .join('');
}

function credentialsElement(c: ConnectionCredentials): string {
  globalRedactor.addSecret(c.password);
  return `<connectionCredentials${attrs(
    [
      ['name', c.username],
      ['password', c.password],
      ['embed', c.embed ?? true],
      ['oAuth', c.oAuth ? true : undefined],
    ],
    'The credential',
  )}/>`;
}

/** Credentials each tied to its connection's server and port. */
export function connectionsElement(list: readonly ConnectionCredentials[]): string {
  const one = (c: ConnectionCredentials): string =>
    `<connection${attrs(
      [
        ['serverAddress', c.serverAddress],
        ['serverPort', c.serverPort],
      ],
      'The connection',
    )}>${credentialsElement(c)}</connection>`;
  return `<connections>${list.map(one).join('')}</connections>`;
}

function checkName(name: string, what: string): void {
  if (name.trim() === '') throw new TableauError({ reason: 'invalidArgument', message: `The ${what} name is empty.` });
}

// Children go in the order of Tableau's schema (workbookType: connections, connectionCredentials,
// project, views; dataSourceType: connectionCredentials, project).
export function workbookPayload(p: WorkbookPayload): string {
  checkName(p.name, 'workbook');
  let inner = p.connectionCredentials?.length ? connectionsElement(p.connectionCredentials) : '';
  inner += `<project${attrs([['id', p.projectId]], 'The project')}/>`;
  if (p.hiddenViews?.length) {
    inner += '<views>' + p.hiddenViews.map((v) => `<view${attrs([['name', v], ['hidden', true]], 'The view')}/>`).join('') + '</views>';
  }
  const head = attrs(
    [
      ['name', p.name],
      ['showTabs', p.showTabs],
      ['description', p.description],
      ['thumbnailsUserId', p.thumbnailsUserId],
      ['thumbnailsGroupId', p.thumbnailsUserId ? undefined : p.thumbnailsGroupId],
    ],
    'The workbook',
  );
  return `<tsRequest><workbook${head}>${inner}</workbook></tsRequest>`;
}

export function dataSourcePayload(p: DataSourcePayload): string {
  checkName(p.name, 'data source');
  const creds = p.connectionCredentials ?? [];
  // One login for a file on one host: the data source's own <connectionCredentials>, before <project> as the
  // schema orders them. Otherwise (a data source joining databases on several hosts, even when only one of them
  // gets a login): each login tied to its host, so that no answer
  // given for one host is applied by the server to another. dataSourceType has no <connections>, but Tableau
  // takes it: TSC sends it for data sources, after <project> (request_factory.py, DatasourceRequest).
  const tied = creds.length > 1 || (creds.length === 1 && (p.hostsInFile ?? 1) > 1);
  let inner = creds.length === 1 && !tied ? credentialsElement(creds[0]) : '';
  inner += `<project${attrs([['id', p.projectId]], 'The project')}/>`;
  if (tied) inner += connectionsElement(creds);
  const head = attrs(
    [
      ['name', p.name],
      ['description', p.description],
    ],
    'The data source',
  );
  return `<tsRequest><datasource${head}>${inner}</datasource></tsRequest>`;
}
