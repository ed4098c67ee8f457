// `npm run bench [-- scenario ...]`: runs the benchmark scenarios (all by default) one after another.
// Figures are ratios against baselines measured in the same run: the machine is shared and noisy.
type Scenario = () => Promise<Record<string, number | string>>;

const scenarios: Record<string, () => Promise<Scenario>> = {
  invocation: async () => (await import('./invocation.ts')).runInvocationBench,
  storefront: async () => (await import('./storefront.ts')).runStorefrontBench,
  checkout: async () => (await import('./checkout.ts')).runCheckoutBench,
  operator: async () => (await import('./operator.ts')).runOperatorBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in scenarios));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const name of wanted.length ? wanted : Object.keys(scenarios)) {
  console.log(`\n=== ${name} ===`);
  try {
    const run = await (scenarios[name] as () => Promise<Scenario>)();
    console.table(await run());
  } catch (err) {
    failed = true;
    console.error(`${name} failed: ${(err as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
