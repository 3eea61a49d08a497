// Drives the Scoring server from Node.js as any other government system would: the proto files
// loaded at run time with @grpc/proto-loader, calls made with @grpc/grpc-js over HTTP/2 cleartext.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const googleapis = join(repo, '.build', 'googleapis');
const serverDll = ['Release', 'Debug'].map(c => join(repo, 'server', 'Scoring.Server', 'bin', c, 'net10.0', 'Scoring.Server.dll')).find(existsSync);

let server, dataDir, scoring, parcels, rpcTypes;

before(async () => {
  assert.ok(serverDll, 'build the server first (dotnet build)');
  assert.ok(existsSync(googleapis), '.build/googleapis is missing: .ci/run copies it from the Google.Api.CommonProtos package');
  dataDir = mkdtempSync(join(tmpdir(), 'scoring-node-'));
  server = spawn('dotnet', [serverDll, '--urls', 'http://127.0.0.1:0', `--ConnectionStrings:Scoring=Data Source=${join(dataDir, 'scoring.db')}`,
    '--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start in 30 s')), 30000);
    server.stdout.on('data', chunk => {
      const m = /Now listening on: http:\/\/(\S+)/.exec(chunk.toString());
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', code => reject(new Error(`the server exited with ${code}`)));
  });

  const definition = protoLoader.loadSync(
    ['scoring/v1/scoring_service.proto', 'scoring/v1/parcel_service.proto'],
    { includeDirs: [join(repo, 'protos'), googleapis], keepCase: true, enums: String, longs: Number, defaults: true, oneofs: true });
  const v1 = grpc.loadPackageDefinition(definition).scoring.v1;
  scoring = new v1.ScoringService(address, grpc.credentials.createInsecure());
  parcels = new v1.ParcelService(address, grpc.credentials.createInsecure());
  rpcTypes = await protobuf.load([join(googleapis, 'google/rpc/status.proto'), join(googleapis, 'google/rpc/error_details.proto')]);
});

after(() => {
  scoring?.close();
  parcels?.close();
  server?.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const vetoes = ['legal_land_certificate', 'land_use_plan', 'spatial_plan', 'contract_performance', 'safety', 'environmental', 'nimby', 'construction'];

// Every indicator on a curve point of domain.md's table; the score worked out by hand:
// 0.05·0.532 + 0.25·0.864 + 0.16·0.763 + 0.11·0.776 + 0.32·0.700 + 0.11·0.566 = 0.7363.
function parcel(id) {
  return {
    parcel_id: id, level: 'LEVEL_PARK', area_mu: 120,
    indicators: {
      talent_count: 100, jobs_per_mu: 3, insured_count: 20, turnover_rate: 40,
      far: 1.5, building_density: 50, green_ratio: 30, idle_ratio: 15, patent_count: 0, bidding_wins: 5,
      investment_per_mu: 300, chain_efficiency: 50, total_output: 2000, total_tax: 2000, output_per_mu: 900, tax_per_mu: 6,
      net_profit: 100, total_assets: 4000, debt_ratio: 60, water_per_output: 1, power_per_output: 1200,
      wastewater_discharge: 1500, solid_waste: 5, wastewater_per_output: 5,
    },
    categories: { enterprise_type: 'above_scale', registration_status: 'active', industry_potential: 'leading' },
    vetoes: Object.fromEntries(vetoes.map(v => [v, true])),
  };
}

const call = (client, method, request) => new Promise((resolve, reject) =>
  client[method](request, (error, response) => (error ? reject(error) : resolve(response))));

test('EvaluateParcel returns the verdict worked out by hand', async () => {
  const { evaluation } = await call(scoring, 'EvaluateParcel', { parcel: parcel('NODE-1') });
  assert.equal(evaluation.parcel_id, 'NODE-1');
  assert.ok(Math.abs(evaluation.score - 0.7363) < 1e-6, `score ${evaluation.score}`);
  assert.equal(evaluation.classification, 'CLASSIFICATION_EFFICIENT');
  assert.equal(evaluation.disposition, 'DISPOSITION_RETAINED');
  assert.ok(Math.abs(evaluation.completeness - 1) < 1e-6);
  const far = evaluation.indicators.find(i => i.code === 'far');
  assert.ok(Math.abs(far.utility - 1) < 1e-6);
  assert.ok(Math.abs(far.weight - 0.11) < 1e-6);
  assert.deepEqual(evaluation.failed_vetoes, []);
});

test('a failed veto makes the parcel inefficient whatever its score', async () => {
  const p = parcel('NODE-2');
  p.vetoes.safety = false;
  const { evaluation } = await call(scoring, 'EvaluateParcel', { parcel: p });
  assert.equal(evaluation.classification, 'CLASSIFICATION_INEFFICIENT_VETO');
  assert.equal(evaluation.disposition, 'DISPOSITION_IDENTIFIED_INEFFICIENT');
  assert.deepEqual(evaluation.failed_vetoes, ['safety']);
});

test('bad input is INVALID_ARGUMENT with BadRequest details naming the fields', async () => {
  const p = parcel('NODE-3');
  p.indicators.building_density = 120;
  p.area_mu = -1;
  const error = await call(scoring, 'EvaluateParcel', { parcel: p }).then(() => null, e => e);
  assert.ok(error, 'the call should fail');
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  const [details] = error.metadata.get('grpc-status-details-bin');
  const status = rpcTypes.lookupType('google.rpc.Status').decode(details);
  const badRequest = status.details.find(d => d.type_url.endsWith('google.rpc.BadRequest'));
  const fields = rpcTypes.lookupType('google.rpc.BadRequest').decode(badRequest.value).fieldViolations.map(v => v.field).sort();
  assert.deepEqual(fields, ['parcel.area_mu', 'parcel.indicators["building_density"]']);
});

test('BatchEvaluate answers one result per parcel, in order, a bad one with its own error', async () => {
  const stream = scoring.BatchEvaluate();
  const results = [];
  const done = new Promise((resolve, reject) => {
    stream.on('data', response => results.push(...response.results));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const bad = parcel('NODE-B2');
  bad.indicators.far = -3;
  stream.write({ parcels: [parcel('NODE-B1'), bad] });
  stream.write({ parcels: [parcel('NODE-B3')] });
  stream.end();
  await done;
  assert.deepEqual(results.map(r => r.parcel_id), ['NODE-B1', 'NODE-B2', 'NODE-B3']);
  assert.equal(results[0].outcome, 'evaluation');
  assert.equal(results[1].outcome, 'error');
  assert.equal(results[1].error.code, grpc.status.INVALID_ARGUMENT);
  assert.ok(Math.abs(results[2].evaluation.score - 0.7363) < 1e-6);
});

test('data pushed through UpsertParcels evaluates by id alone', async () => {
  const stream = parcels.UpsertParcels();
  const acks = [];
  const done = new Promise((resolve, reject) => {
    stream.on('data', ack => acks.push(ack));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  stream.write({ source: 'node-test', as_of: '2026-06-30', parcels: [parcel('NODE-C1')] });
  stream.end();
  await done;
  assert.equal(acks[0].accepted, 1);
  const { evaluation } = await call(scoring, 'EvaluateParcel', { parcel: { parcel_id: 'NODE-C1' } });
  assert.ok(Math.abs(evaluation.score - 0.7363) < 1e-6);
  assert.equal(evaluation.indicators.find(i => i.code === 'far').origin, 'VALUE_ORIGIN_CACHE');
});
