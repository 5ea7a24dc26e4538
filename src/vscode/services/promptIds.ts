// Stable ids of the prompts the extension shows through the Ui seam. Tests (the extension-host
// suite and the UI scenarios) answer prompts by these ids, never by their visible, localized
// text, so a change of wording breaks no test. Users never see them.
//
// Each id names one prompt call in src/vscode; `shared` documents an id that several calls use
// because they ask the same question (the unit test promptIds.test.ts holds both rules).
// The items a test chooses carry an `id` too: fixed words for fixed items (listed here), the
// item's own data for data items (a connection's name, a project's path joined with "/", ...).

interface PromptIdInfo {
  /** What the prompt asks, and the ids of its items. */
  readonly about: string;
  /** Why more than one call uses the id (absent: exactly one call does). */
  readonly shared?: string;
}

export const PROMPT_IDS = {
  // Add / Edit Connection
  'connection.server': { about: 'input: server address (a pasted browser URL works)' },
  'connection.plainHttp': { about: 'confirm: send a secret over plain http://' },
  'connection.site': { about: 'input: site content URL (also Switch Site, when the sites cannot be listed)' },
  'connection.label': { about: 'input: connection name' },
  'connection.authKind': { about: "pick: how to sign in; items 'pat' | 'password' | 'connectedApp'" },
  'connection.patSource': { about: "pick: a token I have or create one; items 'have' | 'create'" },
  'connection.patName': { about: 'input: token name' },
  'connection.patSecret': { about: 'input (password): token secret' },
  'connection.patExpiry': { about: 'input: token expiry date (optional)' },
  'connection.username': { about: 'input: Tableau username (password sign-in)' },
  'connection.password': { about: 'input (password): Tableau password' },
  'connection.clientId': { about: 'input: connected app client ID' },
  'connection.secretId': { about: 'input: connected app secret ID' },
  'connection.secretValue': { about: 'input (password): connected app secret value' },
  'connection.appUser': { about: 'input: username the connected app signs in as' },
  'connection.editPart': { about: "pick: what to edit; items 'credentials' | 'server' | 'label' | 'caFile'" },
  'connection.caFile': { about: "pick: CA certificate; items 'choose' | 'none'" },
  'connection.remove': { about: 'confirm: remove a connection' },
  'connection.switchSite': { about: 'pick: switch to which site; items: the site content URL ("" = default site)' },
  'connection.actAs': { about: "pick: act as which user; items: the user name, or 'stop'" },
  // Which connection (the connection manager's pick; items: the connection name, or 'add')
  'connection.forCommand': { about: 'pick: which connection a connection command acts on (Sign In, Edit, Remove, Test, ...)' },
  'connection.makeActive': { about: 'pick: make which connection active' },
  'connection.signInAccount': { about: 'pick: which connection the Accounts menu signs in to' },
  'connection.forProject': { about: 'pick: create a project on which connection' },
  'connection.forItem': { about: 'pick: the connection to search for an item (Download, Delete, ...)' },
  'connection.forManifest': { about: 'pick: a publish target names a connection the user does not have' },
  // Publish
  'publish.file': { about: 'pick: publish which file; items: the workspace-relative path' },
  'publish.connection': {
    about: "pick: publish to which connection; items: the connection name, 'other' (last used list), 'add'",
    shared: 'the last-used list and the full connection list ("Other connection…") ask the same question',
  },
  'publish.project': { about: "pick: publish into which project; items: the project path joined with '/', 'create'" },
  'publish.newProjectParent': { about: "pick: parent of a project made for a publish; items: project paths, 'topLevel'" },
  'publish.newProjectName': { about: 'input: name of a new project (the publish flow\'s "Create project…" and Create Project)' },
  'publish.name': { about: 'input: name of the workbook or data source on Tableau' },
  'publish.mode': { about: "pick: how to publish; items 'createnew' | 'overwrite' | 'append' | 'replace'" },
  'publish.replace': { about: 'confirm: overwrite / append to an item that exists' },
  'publish.options': { about: "pick (many): options; items 'showTabs' | 'skipConnectionCheck' | 'asJob' | 'description' | 'tags'" },
  'publish.description': { about: 'input: description' },
  'publish.tags': { about: 'input: tags, separated by commas' },
  'publish.dbCredentials': { about: "pick: database credentials; items 'embed' | 'noEmbed' | 'skip'" },
  'publish.dbUsername': { about: 'input: database username' },
  'publish.dbPassword': { about: 'input (password): database password' },
  'publish.manifestTarget': { about: 'confirm: publish where a manifest target says (untrusted workspace or unknown connection)' },
  'publish.overwriteImpact': { about: 'confirm: overwrite / replace a data source that workbooks use (the message names them, from the Metadata API)' },
  // Content
  'content.filter': { about: 'input: filter the tree by name' },
  'content.search': { about: 'input: part of the name to look for' },
  'content.item': { about: 'pick: the item found by name; items: the item name' },
  'content.downloadFolder': { about: 'pick: save into which workspace folder; items: the folder name' },
  'content.delete': { about: 'confirm: delete a workbook or data source' },
  'content.projectParent': { about: "pick: Create Project's parent; items: project paths, 'topLevel'" },
  // Environments (manifest version 2)
  'environment.switch': { about: 'pick: the active environment (status bar); items: the environment name, or \'none\'' },
  'environment.forTarget': { about: 'pick: publish a target that goes through environments to which one; items: the environment name' },
  'publish.environmentPlan': { about: 'confirm: overwrite in an environment that asks first ("confirm"); the plan is the detail' },
  'publish.environmentSecret': { about: 'input (password): a data connection password a rule names by VS Code secret id (asked once)' },
  'environment.promoteTarget': { about: 'pick: Promote to which environment; items: the environment name' },
  'promote.confirm': { about: 'confirm: promote an item to another environment; the plan is the detail' },
  // Update Published Data (incremental update of a live-to-Hyper data source)
  'update.file': { about: 'pick: update from which .hyper file; items: the workspace-relative path' },
  'update.actions': { about: "pick: how the file changes the data source; items 'upsert' | 'insert' | 'file'" },
  'update.actionsFile': { about: 'pick: which actions file (JSON); items: the workspace-relative path' },
  'update.table': { about: 'input: the table in the file and the data source ("Schema.Table")' },
  'update.key': { about: 'input: the key column(s) of an upsert, separated by commas' },
  // Revisions
  'revisions.restore': { about: 'confirm (modal): restore revision N of an item; names the item, the revision and what becomes current' },
  'revisions.compareConnection': { about: 'pick: Compare with Server, on which connection (no manifest target for the file)' },
  'revisions.compareProject': { about: "pick: Compare with Server, which project holds the item; items: the project path joined with '/'" },
  // Promotion (after environment.promoteTarget)
  'promote.extract': { about: "pick: download the item with or without its extracts; items 'include' (first, the default) | 'exclude'" },
  // Publish…: More settings… (the 'moreSettings' item of publish.options)
  'publish.owner': { about: "pick: owner of the published item; items 'keep', 'user:<username>', 'otherUser' (type the username)" },
  'publish.thumbnails': { about: "pick: the user or group that renders a workbook's thumbnails; items 'keep', 'user:<name>', 'group:<name>', 'otherUser', 'otherGroup'" },
  'publish.permissionGrantee': { about: "pick: a permission rule's grantee, asked again after each rule; items 'none' (no more rules), 'group:<name>', 'user:<name>', 'otherGroup', 'otherUser'" },
  'publish.permissionTemplate': { about: "pick: the rule's template; items 'Viewer' | 'Interactor' | 'Editor'" },
  'publish.granteeName': { about: 'input: the name of a user or group not in the listed page (owner, thumbnails, permission rule)' },
  // Prep flows
  'flow.name': { about: 'input: name of the flow on Tableau (Publish… of a .tfl / .tflx)' },
  'flow.replace': { about: 'confirm (modal): a flow of that name exists in the project; replace it (overwrite)' },
  'update.connection': { about: 'pick: Update Published Data on a data source with several Hyper connections, which one; items: the connection id' },
  // Not a prompt: logged so the UI scenarios can read the address handed to VS Code (code-server
  // rewrites a loopback address to its port proxy and drops the fragment before it opens it).
  'external.open': { about: "log only: an address the extension asked VS Code to open (Open in Browser, a notification's Open in browser); `url`" },
} as const satisfies Record<string, PromptIdInfo>;

export type PromptId = keyof typeof PROMPT_IDS;

/** The environment variable that makes the Ui publish each prompt for the UI scenarios (test only). */
export const PROMPT_LOG_ENV = 'TABLEAU_E2E_PROMPT_LOG';

/** One line of the prompt log: a prompt as it opens, with its items' ids in the order shown. */
export interface PromptEvent {
  id: PromptId;
  kind: 'input' | 'pick' | 'confirm' | 'external';
  /** The texts VS Code shows, so the harness can tell the widget on screen is this prompt. */
  title?: string;
  placeHolder?: string;
  prompt?: string;
  password?: boolean;
  canPickMany?: boolean;
  items?: { id?: string; label: string }[];
  /** confirm: the message and the action's button text. */
  message?: string;
  action?: string;
  /** external: the address handed to VS Code. */
  url?: string;
}
