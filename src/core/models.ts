/** Typed models of what Tableau's REST API returns. LUIDs are Tableau's ids (uuid form). */

export interface ServerInfo {
  productVersion: string;
  build?: string;
  restApiVersion: string;
}

export interface Site {
  id: string;
  name: string;
  /** "" for the default site. */
  contentUrl: string;
  state?: string;
}

export interface UserRef {
  id: string;
  name?: string;
}

export interface User {
  id: string;
  name: string;
  fullName?: string;
  siteRole?: string;
  email?: string;
}

export interface ProjectRef {
  id: string;
  name?: string;
}

export interface Project {
  id: string;
  name: string;
  description?: string;
  /** Absent for a top-level project. */
  parentProjectId?: string;
  contentPermissions?: string;
  owner?: UserRef;
  createdAt?: string;
  updatedAt?: string;
}

export interface View {
  id: string;
  name: string;
  contentUrl?: string;
  workbookId?: string;
  owner?: UserRef;
  project?: ProjectRef;
  createdAt?: string;
  updatedAt?: string;
}

/** What a published workbook and a published data source both carry. */
export interface PublishedContent {
  id: string;
  name: string;
  contentUrl?: string;
  webpageUrl?: string;
  description?: string;
  /** Bytes, as the server reports it (Tableau reports MB on some versions; see decoder). */
  size?: number;
  createdAt?: string;
  updatedAt?: string;
  project?: ProjectRef;
  owner?: UserRef;
  tags?: string[];
}

export interface Workbook extends PublishedContent {
  showTabs?: boolean;
  views?: View[];
}

export interface DataSource extends PublishedContent {
  /** e.g. "hyper", "postgres", "excel-direct". */
  type?: string;
  hasExtracts?: boolean;
}

export interface Job {
  id: string;
  mode?: string;
  type?: string;
  /** 0..100 */
  progress?: number;
  createdAt?: string;
  startedAt?: string;
  /** Set only once the job has ended: before that, finishCode means nothing. */
  completedAt?: string;
  /** At the end: 0 success, 1 failed, 2 cancelled; 3 a Tableau Bridge refresh completed (Tableau Cloud). */
  finishCode?: number;
  /** The `<notes>` of the job's detail element: the failure reason when it failed. */
  notes?: string[];
  /** `statusNotes` texts (counts and the like). */
  statusNotes?: string[];
  /** The item the job worked on, when the server says (a publish job never does). */
  workbookId?: string;
  datasourceId?: string;
}

export interface FileUpload {
  uploadSessionId: string;
  /** Cumulative size in MB, as Tableau reports it. */
  fileSize: number;
  /** Most blocks (chunks) the upload may have, when the server says (`maxFileChunkCount`, schema 3.29). */
  maxFileChunkCount?: number;
}

export interface Pagination {
  pageNumber: number;
  pageSize: number;
  totalAvailable: number;
}

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/** What a sign-in returns. `token` is a secret: never log it. */
export interface SignInResult {
  token: string;
  siteId: string;
  siteContentUrl: string;
  userId: string;
  estimatedTimeToExpiration?: string;
}

export type DataSourcePublishMode = 'createnew' | 'overwrite' | 'append' | 'replace';
export type PublishMode = DataSourcePublishMode;

export type ContentKind = 'workbook' | 'datasource';

/**
 * Every file Tableau publishes, by extension: the one list behind package inspection, the drop
 * handler, the file picker and the menus' `when` clauses in package.json (a unit test holds them equal).
 */
export const PUBLISHABLE_EXTENSIONS = ['.twb', '.twbx', '.tds', '.tdsx', '.hyper', '.tde'] as const;
export type PublishableExtension = (typeof PUBLISHABLE_EXTENSIONS)[number];

/** True when a file's path ends in a publishable extension (any case). */
export function isPublishable(path: string): boolean {
  const lower = path.toLowerCase();
  return PUBLISHABLE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Whether a string is a LUID (Tableau's ids: a UUID), as users may give one instead of "Project / Name". */
export function isLuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
