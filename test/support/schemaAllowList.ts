/**
 * Where Tableau itself breaks its published schema (test/fixtures/ts-api_3_29.xsd): the
 * schema is generated and stricter than the server. Each entry names the recorded real
 * answer (TSC = tableau/server-client-python, `test/assets/<file>.xml`) or the doc page
 * that shows Tableau sending it. A document whose every validation error matches an entry
 * counts as an allowed deviation; any other error fails the suite.
 *
 * To add one: the element path is the chain of local names from the root to the element
 * the validator reports on (`tsResponse/serverInfo/restApiVersion`), the message a pattern
 * of the validator's text. Keep both as narrow as the evidence.
 */
export interface SchemaDeviation {
  /** Short name, shown in the summary. */
  id: string;
  path: RegExp;
  message: RegExp;
  /** Where Tableau is seen doing it. */
  evidence: string;
}

export const SCHEMA_DEVIATIONS: readonly SchemaDeviation[] = [
  {
    id: 'serverInfo without prepConductorVersion/platform/serverSettings',
    // The schema wants productVersion, prepConductorVersion, restApiVersion (as a build
    // number), platform, serverSettings; Tableau answers productVersion then restApiVersion "3.x".
    path: /^tsResponse\/serverInfo\/restApiVersion$/,
    message: /not expected\. Expected is \( \{http:\/\/tableau\.com\/api\}prepConductorVersion \)/,
    evidence: 'TSC test/assets/server_info_get.xml and server_info_25.xml: <serverInfo><productVersion build=...>10.1.0</productVersion><restApiVersion>3.10</restApiVersion></serverInfo>',
  },
  {
    id: 'Query Views for Site paged',
    // The schema's paged answers (paginatedResponseGroup) have no <views>; Tableau pages this listing.
    path: /^tsResponse\/views$/,
    message: /'\{http:\/\/tableau\.com\/api\}views': This element is not expected\. Expected is one of \( \{http:\/\/tableau\.com\/api\}customViews,/,
    evidence: 'TSC test/assets/view_get.xml: <pagination pageNumber="1" pageSize="100" totalAvailable="2"/><views><view .../></views>',
  },
  {
    id: 'data source publish with <connections> (logins for several hosts)',
    // dataSourceType has no <connections>; Tableau takes it for a data source joining databases on several hosts,
    // as for a workbook, so each login is tied to its host (security review finding 3).
    path: /^tsRequest\/datasource\/connections$/,
    message: /'\{http:\/\/tableau\.com\/api\}connections': This element is not expected\./,
    evidence: 'TSC tableauserverclient/server/request_factory.py, DatasourceRequest._generate_xml: publish(..., connections=[...]) adds <connections><connection serverAddress serverPort><connectionCredentials/></connection></connections> after <project>',
  },
  {
    id: 'job type UpdateUploadedFile (Update Data in Hyper Data Source)',
    // jobType's type enumeration lacks the type Tableau gives the job of an incremental data update.
    path: /^tsResponse\/job$/,
    message: /attribute 'type': \[facet 'enumeration'\] The value 'UpdateUploadedFile' is not an element of the set/,
    evidence: 'TSC test/assets/datasource_data_update.xml: <job id=... mode="Asynchronous" type="UpdateUploadedFile" createdAt=...><updateUploadedFileJob><datasource id name/><connectionLuid>...</connectionLuid></updateUploadedFileJob></job>',
  },
  {
    id: 'Publish Flow answer with <flowOutputSteps> before <flow>',
    // tsResponse takes one of its elements; Tableau's Publish Flow answer carries the flow's output steps and the flow.
    path: /^tsResponse\/flowOutputSteps$/,
    message: /'\{http:\/\/tableau\.com\/api\}flowOutputSteps': This element is not expected\. Expected is one of \( \{http:\/\/tableau\.com\/api\}pagination,/,
    evidence: 'TSC test/assets/flow_publish.xml: <tsResponse><flowOutputSteps/><flow id=... name="SampleFlow" fileType="tfl" ...><project/><owner/><tags/><parameters/></flow></tsResponse>',
  },
  {
    id: 'flow publish with <connections> (logins of the flow\'s connections)',
    // flowType has no <connections>; TSC sends it on Publish Flow, as for workbooks.
    path: /^tsRequest\/flow\/connections$/,
    message: /'\{http:\/\/tableau\.com\/api\}connections': This element is not expected\./,
    evidence: 'TSC tableauserverclient/server/request_factory.py, FlowRequest._generate_xml: publish(..., connections=[...]) adds <connections><connection serverAddress serverPort><connectionCredentials/></connection></connections> after <project>',
  },
  {
    id: 'bulk Update Connections with <connectionLUIDs> and <connection>',
    // tsRequest takes one element, and the schema's list is <connectionLuids>/<connectionLuid> with no login; TSC sends
    // <connectionLUIDs>/<connectionLUID> then a <connection> with the login (test/simulator/README.md, "Bulk Update Connections").
    path: /^tsRequest\/connectionLUIDs$/,
    message: /'\{http:\/\/tableau\.com\/api\}connectionLUIDs': This element is not expected\./,
    evidence: 'TSC tableauserverclient/server/request_factory.py, update_connections_req (Workbook and Datasource, API 3.26): <connectionLUIDs><connectionLUID>..</connectionLUID></connectionLUIDs><connection authenticationType userName password embedPassword/>; answers test/assets/workbook_update_connections.xml, datasource_connections_update.xml',
  },
];
