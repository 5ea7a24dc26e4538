/**
 * Seed configuration, fault and state types of the Tableau REST simulator.
 * Everything here is plain JSON so `--config file.json` and tests share one shape.
 */

export type SiteRole =
  | 'ServerAdministrator'
  | 'SiteAdministratorCreator'
  | 'SiteAdministratorExplorer'
  | 'Creator'
  | 'ExplorerCanPublish'
  | 'Explorer'
  | 'Viewer'
  | 'Unlicensed';

export interface SimSiteConfig {
  name: string;
  /** "" is the default site. */
  contentUrl: string;
  id?: string;
  /** Site setting: keep revisions of workbooks and data sources (default true). */
  revisionHistoryEnabled?: boolean;
  /** Site setting: revisions kept per item, -1 = unlimited (default SimConfig.revisionLimit, else 25). */
  revisionLimit?: number;
}

export interface SimUserConfig {
  name: string;
  password?: string;
  /** Role on every site the user belongs to (default Creator). */
  siteRole?: SiteRole;
  /** Per-site role overrides, by site contentUrl. */
  siteRoles?: Record<string, SiteRole>;
  /** contentUrls of the sites the user belongs to (default: all sites). */
  sites?: string[];
  isServerAdmin?: boolean;
  id?: string;
  fullName?: string;
  email?: string;
}

export interface SimPatConfig {
  name: string;
  secret: string;
  /** Username of the owner. */
  user: string;
  /** contentUrl of the only site it signs in to; absent = any site of the user. */
  site?: string;
  /** ISO date; past = expired (401001). */
  expiresAt?: string;
  revoked?: boolean;
}

export interface SimConnectedAppConfig {
  clientId: string;
  secretId: string;
  secretValue: string;
  enabled?: boolean; // default true
  name?: string;
}

export interface SimProjectConfig {
  /** Site contentUrl, default "". */
  site?: string;
  /** Either name (+ parent path) or a full path "Finance/Monthly/Q1". */
  name?: string;
  /** Parent path, segments joined by "/". */
  parent?: string;
  path?: string;
  id?: string;
  description?: string;
  owner?: string;
  /** Usernames of the project's leaders (of the last path segment). */
  leaders?: string[];
}

export interface SimWorkbookConfig {
  site?: string;
  name: string;
  /** Project path ("Finance/Monthly"). */
  project: string;
  owner?: string;
  views?: string[];
  id?: string;
  description?: string;
  /** File bytes (utf8) served by /content; default a tiny generated .twb. */
  content?: string;
  createdAt?: string;
}

export interface SimDataSourceConfig {
  site?: string;
  name: string;
  project: string;
  owner?: string;
  /** e.g. "hyper", "postgres". */
  type?: string;
  hasExtracts?: boolean;
  id?: string;
  description?: string;
  content?: string;
  createdAt?: string;
}

/** Deterministic bulk content for benchmarks (projects nested `depth` deep). */
export interface SimGenerateConfig {
  /** Site contentUrl to fill (default ""); created when missing. */
  site?: string;
  /** Extra generated sites ("gen-1", "gen-2", ...). */
  sites?: number;
  projects: number;
  workbooks: number;
  datasources?: number;
  /** Nesting depth of generated projects (default 3). */
  depth?: number;
  /** Owner username (default: first user). */
  owner?: string;
}

export interface SimConfig {
  restApiVersion?: string; // default 3.23
  productVersion?: string; // default 2024.2.0
  build?: string;
  sites?: SimSiteConfig[];
  users?: SimUserConfig[];
  /** Groups (every site also has "All Users"). */
  groups?: { name: string; site?: string; id?: string }[];
  pats?: SimPatConfig[];
  connectedApps?: SimConnectedAppConfig[];
  projects?: SimProjectConfig[];
  workbooks?: SimWorkbookConfig[];
  datasources?: SimDataSourceConfig[];
  generate?: SimGenerateConfig;
  /** Idle timeout of a session (default 240 min). */
  sessionIdleTimeoutMs?: number;
  /** Time an async job takes from created to completed (default 1000 ms). */
  jobDurationMs?: number;
  /**
   * Search index lag (default 0): a project, workbook or data source created through the REST API
   * is missing from filtered or sorted listings for this long (unfiltered listings and GET by id see it
   * at once), as Tableau warns right after a create or publish.
   */
  indexLagMs?: number;
  /**
   * Sign-ins that do not arrive at this host answer 301 with a Location on it (TSC re-POSTs).
   * A full origin ("http://localhost:8851") or a bare hostname (same scheme and port).
   */
  redirectSignInTo?: string;
  /**
   * Also serve the REST API under this path prefix (e.g. "/tableau"), as behind a reverse proxy
   * that publishes Tableau under a path: `/tableau/api/{v}/...` is `/api/{v}/...`.
   */
  pathPrefix?: string;
  /** true: every publish (workbooks: without skipConnectionCheck) fails the connection check; a list: only payload connections to those serverAddress values. */
  failConnectionCheck?: boolean | string[];
  /** Database hosts the server cannot reach: a publish whose file connects to one fails the connection check (403132), workbooks unless skipConnectionCheck. */
  unreachableHosts?: string[];
  /** The error of a failed connection check: 403132 (default) or 403007 "<name> failed to establish a connection to your datasource." (TSC #337, #641). */
  connectionCheckError?: '403132' | '403007';
  /** Blocks one file upload may have (Append to File Upload: 1000); also sent as the fileUpload's maxFileChunkCount when set here. */
  maxFileChunkCount?: number;
  /** Largest body of a single publish request or upload chunk (default 64 MiB). */
  maxRequestBytes?: number;
  /** Views (by name or id) whose image cannot render: Query View Image answers 400074 (also `POST /_sim/broken-views`). */
  brokenViews?: string[];
  /** Site contentUrls whose Metadata API is off: it answers FEATURE_DISABLED (also `POST /_sim/metadata-api`). */
  metadataApiOff?: string[];
  /** Revisions kept per item on sites that do not set their own (default 25; -1 unlimited). */
  revisionLimit?: number;
}

export interface FaultMatch {
  method?: string;
  /** Regex tested against the request path (without query). */
  pathPattern?: string;
  /** Fire on the nth matching request only (1-based), counting from when the fault was added. */
  nth?: number;
}

export interface FaultAction {
  /** Read this many bytes of the request body, then destroy the socket. */
  dropAfterBytes?: number;
  /** Answer this status (with `body` or a Tableau error body) instead of handling the request. */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  body?: string;
  /** Answer an HTML login page (status default 200). */
  html?: boolean;
  /** Wait before handling the request normally. */
  delayMs?: number;
  /** Never answer (the socket stays open until the client gives up or the simulator closes). */
  hang?: boolean;
  /** End the caller's session first (its token then gets 401002), then handle normally. */
  killSession?: boolean;
  /** Jobs created by the matched request finish with this code (1 failed, 2 cancelled, 3 Bridge completed). */
  jobFinishCode?: number;
  /** The `<notes>` (failure reason) of jobs created by the matched request, e.g. "Login failed for user." */
  jobNotes?: string;
  /** The matched publish fails the connection check (403132) unless skipConnectionCheck=true. */
  failConnectionCheck?: boolean;
  /** Content-Type of `body` / `bodyBase64` / `bodyBytes` answers (default text/plain). */
  contentType?: string;
  /** Answer these raw bytes (base64), e.g. invalid UTF-8 (status default 200). */
  bodyBase64?: string;
  /** Answer a body of this many filler bytes, streamed (status default 200): a hostile oversized answer. */
  bodyBytes?: number;
  /** With `bodyBytes`: no Content-Length (chunked), so the client only learns the size by reading. */
  chunked?: boolean;
  /** Handle the request normally but stop sending the answer after this many body bytes (the socket stays open). */
  stallAfterBytes?: number;
  /** Handle the request normally but send the answer's body one byte every this many ms (an idle timeout never fires). */
  trickleMs?: number;
  /** Answer `status` (default 500) with a body echoing the request's headers and body, like a careless proxy's error page. */
  echoRequest?: boolean;
  /**
   * Answer a redirect (the request body is read and dropped): `status` (default 301) with this
   * `location` (absolute, or a path on this server), and no body.
   */
  redirect?: { location: string; status?: 301 | 302 | 303 | 307 | 308 };
  /** Handle the request fully (its effects stay), then drop the connection instead of answering: a reply lost on the way back. */
  dropAnswer?: boolean;
}

export interface FaultSpec {
  match: FaultMatch;
  action: FaultAction;
  /** How many times it fires (default 1). */
  times?: number;
}

export interface SimItemState {
  id: string;
  name: string;
  siteId: string;
  projectId: string;
  ownerId: string;
  contentUrl: string;
  size: number;
  sha256: string;
  createdAt: string;
  updatedAt: string;
  /** Original file name of the last publish (or generated). */
  fileName: string;
  /** Path of the stored bytes, when they live on disk. */
  filePath?: string;
  description: string;
  tags: string[];
  /** Connection credentials the last publish embedded (the password only as a SHA-256, so state never holds it). */
  credentials: SimCredentialState[];
  /** The data connections read from the uploaded document (password as SHA-256 only). */
  connections?: { id: string; type: string; serverAddress?: string; serverPort?: string; userName?: string; dbname?: string; publishedDataSource?: string; embedPassword: boolean; passwordSha256?: string }[];
}

export interface SimCredentialState {
  serverAddress?: string;
  serverPort?: string;
  username: string;
  embed: boolean;
  passwordSha256: string;
}

export interface SimState {
  sites: { id: string; name: string; contentUrl: string }[];
  users: { id: string; name: string; isServerAdmin: boolean; siteRoles: Record<string, SiteRole> }[];
  projects: { id: string; name: string; siteId: string; parentProjectId?: string; ownerId: string }[];
  workbooks: (SimItemState & { views: { id: string; name: string }[]; showTabs: boolean; hiddenViews: string[]; thumbnailsUserId?: string; thumbnailsGroupId?: string })[];
  datasources: (SimItemState & { type: string; hasExtracts: boolean })[];
  jobs: { id: string; type: string; siteId: string; progress: number; createdAt: string; completedAt?: string; finishCode?: number }[];
  uploads: { id: string; siteId: string; size: number; chunks: number; consumed: boolean }[];
  groups: { id: string; siteId: string; name: string }[];
  /** Effective explicit rules: `on` is an item id or `{projectId}/{workbooks|datasources}` (default permissions). */
  permissions: { on: string; grantee: string; capabilities: Record<string, 'Allow' | 'Deny'> }[];
  counters: {
    /** By credential name: PAT name, username, or connected app clientId. */
    signIns: Record<string, number>;
    /** By "METHOD route-pattern", e.g. "GET /api/{v}/sites/{site}/projects". */
    requests: Record<string, number>;
    liveSessions: number;
    /** Injected faults that fired so far (a test waits on it to act while a matched request is held). */
    faultsFired: number;
  };
  /** Incremental data updates whose jobs succeeded, each once (routesDataUpdate.ts). */
  dataUpdates?: SimDataUpdate[];
  /** Published flows and their runs (routesFlows.ts). */
  flows?: SimFlowState[];
}

/** One applied "Update Data in Hyper Data Source" request: what it asked, never rows (a .hyper is not read). */
export interface SimDataUpdate {
  requestId: string;
  datasourceId: string;
  connectionId: string;
  jobId: string;
  uploadSessionId: string;
  payloadBytes: number;
  payloadSha256: string;
  actions: unknown[];
  appliedAt?: string;
}

export interface SimFlowState {
  id: string;
  name: string;
  siteId: string;
  projectId: string;
  ownerId: string;
  fileType: string;
  size: number;
  sha256: string;
  credentials: { serverAddress?: string; serverPort?: string; username: string; embed: boolean; passwordSha256: string }[];
  runs: { id: string; jobId: string; status: string }[];
}

export interface DemoPat {
  name: string;
  secret: string;
  /** contentUrl of the site it signs in to. */
  site: string;
}
