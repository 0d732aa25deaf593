// Compile and evaluate sync rules with the PowerSync service's own compiler, the way the
// service does: every row of every source table through evaluateRow (data buckets) and
// evaluateParameterRow (parameter lookups), then each user's buckets from the querier of a
// token whose sub is the user's id. Reads one JSON document on stdin:
//   {"rules": "<yaml text>", "users": ["7", ...], "tables": {"<table>": [{...row...}, ...]}}
// and writes one JSON document on stdout (see tests/api/powersync/test_sync_rules.py).
import * as sqlite from 'node:sqlite';
import {
  BaseJwtPayload,
  DEFAULT_HYDRATION_STATE,
  DEFAULT_TAG,
  RequestParameters,
  SqlSyncRules,
  nodeSqlite,
  toSyncRulesValue
} from '@powersync/service-sync-rules';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));

// What logical replication hands the service: integers as bigint, booleans as 1/0, the rest
// (text, numeric, dates, uuids: already strings in the input) as they are.
function replicated(row) {
  const out = {};
  for (const [name, value] of Object.entries(row)) {
    out[name] = typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : toSyncRulesValue(value);
  }
  return out;
}

function plain(value) {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

const { config, errors } = SqlSyncRules.fromYaml(input.rules, { defaultSchema: 'public', throwOnError: false });
const report = {
  errors: errors.map((e) => `${e.type ?? 'error'}: ${e.message}`),
  sourceTables: [],
  rows: [],
  parameterRows: 0,
  buckets: {},
  querierErrors: {}
};
if (errors.some((e) => e.type !== 'warning')) {
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}

const rules = config.hydrate({ hydrationState: DEFAULT_HYDRATION_STATE, sqlite: nodeSqlite(sqlite) });
report.sourceTables = [...new Set(rules.getSourceTables().map((pattern) => pattern.name))].sort();

const lookups = new Map(); // serialized lookup -> parameter rows, as the service's storage keeps them
for (const [name, rows] of Object.entries(input.tables)) {
  const sourceTable = { connectionTag: DEFAULT_TAG, schema: 'public', name };
  for (const row of rows) {
    const record = replicated(row);
    for (const result of rules.evaluateRow({ sourceTable, record })) {
      report.rows.push({
        source: name,
        sourceId: String(row.id),
        bucket: result.bucket,
        table: result.table,
        id: result.id,
        columns: Object.keys(result.data).sort()
      });
    }
    for (const result of rules.evaluateParameterRow(sourceTable, record)) {
      const key = result.lookup.serializedRepresentation;
      lookups.set(key, [...(lookups.get(key) ?? []), ...result.bucketParameters]);
      report.parameterRows += 1;
    }
  }
}

for (const user of input.users) {
  const { querier, errors: querierErrors } = rules.getBucketParameterQuerier({
    globalParameters: new RequestParameters(new BaseJwtPayload({ sub: user, aud: 'powersync' }), {}),
    hasDefaultStreams: true,
    streams: {}
  });
  const dynamic = await querier.queryDynamicBucketDescriptions({
    async getParameterSets(wanted) {
      return wanted.map((lookup) => ({ lookup, rows: lookups.get(lookup.serializedRepresentation) ?? [] }));
    }
  });
  report.buckets[user] = [...querier.staticBuckets, ...dynamic].map((b) => b.bucket).sort();
  report.querierErrors[user] = querierErrors.map((e) => e.message);
}

process.stdout.write(JSON.stringify(plain(report)));
