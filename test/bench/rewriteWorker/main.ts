/**
 * One publish through the core publisher, in its own process so its peak RSS can be measured:
 * the same code path with and without data connection rules (the CLI gets its rule flags from
 * the environments work; this keeps the bench independent of that). Prints one JSON line.
 * argv[2]: JSON { url, site, patName, file, name, project, rewrite }; the PAT secret comes from
 * the environment (BENCH_PAT_SECRET), never from the command line.
 */
import { createClient } from '../../../src/core/createClient';
import { publish } from '../../../src/core/publish/publisher';
import type { DataConnectionRule } from '../../../src/core/connections/rules';

interface Args {
  url: string;
  site: string;
  patName: string;
  file: string;
  name: string;
  project: string;
  rewrite: boolean;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  const { client, close } = createClient({
    server: a.url,
    credential: { kind: 'pat', tokenName: a.patName, tokenSecret: process.env.BENCH_PAT_SECRET ?? '' },
    siteContentUrl: a.site,
  });
  try {
    const project = (await client.allProjects()).find((p) => p.name === a.project);
    if (!project) throw new Error(`no project ${a.project}`);
    const rules: DataConnectionRule[] = [{ match: { class: 'postgres', server: 'db.example.com' }, set: { server: 'db.prod.example.com', dbname: 'sales_prod' }, credentials: { username: 'svc', password: { env: 'BENCH_DB_PASSWORD' } } }];
    const r = await publish(
      client,
      {
        filePath: a.file,
        name: a.name,
        projectId: project.id,
        mode: 'overwrite',
        ...(a.rewrite ? { dataConnectionRules: rules, dataConnectionPasswords: new Map([[0, 'bench-db-password']]) } : {}),
      },
      {},
    );
    process.stdout.write(`${JSON.stringify({ id: r.item.id, durationMs: r.durationMs, chunks: r.chunks, bytes: r.bytes, changes: r.connectionChanges?.length ?? 0 })}\n`);
  } finally {
    await close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
