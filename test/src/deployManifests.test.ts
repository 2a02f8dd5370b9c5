import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { envNames, forbiddenInProduction, loadEnv, processRoleOf, productionRequirements } from "@grondslag/stack";
import { subgraphs } from "@grondslag/supergraph";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

// The container files name services, ports and variables; the code is what they must match.
const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const portOf: Record<string, number> = {
  ...Object.fromEntries(subgraphs.map(({ module, port }) => [module.name, port])),
  gateway: loadEnv({}).GATEWAY_PORT,
};
const services = Object.keys(portOf);
const known = new Set<string>(envNames);
const commandOf = (name: string) => (name === "gateway" ? ["node", "stack/dist/gateway.js"] : ["node", "stack/dist/subgraph.js", name]);

const jwk = (withPrivate: boolean) => {
  const { d, ...publicPart } = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  return JSON.stringify(withPrivate ? { ...publicPart, d } : publicPart);
};
const gatewayKey = jwk(true);
/** A valid value for a variable the manifests set from outside (a secret or `${...}`), to load the environment as that process would. */
function sampleValue(variable: string): string {
  if (variable === "GATEWAY_SIGNING_KEY" || variable === "PLATFORM_SIGNING_KEY") return variable === "GATEWAY_SIGNING_KEY" ? gatewayKey : jwk(true);
  if (variable === "GATEWAY_VERIFY_KEY") return jwk(false);
  if (variable === "DATABASE_URL") return "postgres://grondslag:secret@postgres:5432/grondslag";
  if (variable === "AUTH_JWKS_URL") return "https://login.example.nl/.well-known/jwks.json";
  if (variable.startsWith("SUBGRAPH_URL_")) return `http://${variable.replace("SUBGRAPH_URL_", "").toLowerCase()}:4001/graphql`;
  if (variable.endsWith("_PORT")) return "4001";
  if (variable === "GRONDSLAG_ENV") return "production";
  if (variable === "HOST") return "0.0.0.0";
  if (variable === "LOG_LEVEL") return "info";
  return "a-value-of-at-least-thirty-two-characters";
}

/** A subgraph URL names the service and the port of a real subgraph. */
function expectSubgraphUrl(variable: string, url: string): void {
  const name = variable.replace(/^SUBGRAPH_URL_/, "").toLowerCase();
  expect(services).toContain(name);
  expect(url).toBe(`http://${name}:${portOf[name]}/graphql`);
}

describe("compose.yaml", () => {
  interface ComposeService {
    image?: string;
    command?: string[];
    environment?: Record<string, string>;
    ports?: string[];
    expose?: string[];
    depends_on?: Record<string, unknown>;
    healthcheck?: { test: string[] };
  }
  const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, ComposeService> };
  const ours = Object.entries(compose.services).filter(([, service]) => !service.image?.startsWith("postgres"));

  it("runs every subgraph and the gateway, and nothing else of ours", () => {
    expect(ours.map(([name]) => name).sort()).toEqual([...services].sort());
  });

  it.each(ours)("%s runs its own entry, on its port, checked at /ready", (name, service) => {
    expect(service.command).toEqual(commandOf(name));
    const port = portOf[name]!;
    expect(service.healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${port}/ready`);
    for (const published of [...(service.ports ?? []), ...(service.expose ?? [])]) expect(published.split(":").at(-1)).toBe(String(port));
    const environment = service.environment ?? {};
    if (name === "gateway") expect(Number(environment.GATEWAY_PORT)).toBe(port);
    else expect(Number(environment.SUBGRAPH_PORT)).toBe(port);
    for (const name of Object.keys(service.depends_on ?? {})) expect(Object.keys(compose.services)).toContain(name);
  });

  it.each(ours)("%s names only variables stack/src/env.ts reads, every one production requires of its role, and no secret it must not hold", (name, service) => {
    const environment = service.environment ?? {};
    const role = processRoleOf(name);
    expect(Object.keys(environment).filter((variable) => !known.has(variable))).toEqual([]);
    expect(productionRequirements[role].filter((variable) => !(variable in environment))).toEqual([]);
    expect(forbiddenInProduction[role].filter((variable) => variable in environment)).toEqual([]);
    // What the process reads from this environment is accepted by its own loadEnv.
    const sample = Object.fromEntries(Object.keys(environment).map((variable) => [variable, sampleValue(variable)]));
    expect(() => loadEnv(sample, role)).not.toThrow();
    for (const [variable, url] of Object.entries(environment)) if (variable.startsWith("SUBGRAPH_URL_")) expectSubgraphUrl(variable, url);
  });

  it("gives the gateway every subgraph's URL", () => {
    const gateway = compose.services.gateway?.environment ?? {};
    for (const { module } of subgraphs) expect(gateway).toHaveProperty(`SUBGRAPH_URL_${module.name.toUpperCase()}`);
  });
});

describe("deploy/kubernetes", () => {
  interface Probe {
    httpGet: { path: string; port: number };
  }
  interface Container {
    command: string[];
    ports: { containerPort: number }[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
    envFrom?: { configMapRef?: { name: string } }[];
    startupProbe?: Probe;
    livenessProbe: Probe;
    readinessProbe: Probe;
  }
  interface Manifest {
    kind: string;
    metadata: { name: string };
    data?: Record<string, string>;
    spec: { template: { spec: { containers: Container[] } }; ports: { port: number; targetPort: number }[] };
  }
  const folder = new URL("deploy/kubernetes/", root);
  const manifests = readdirSync(folder)
    .filter((file) => file.endsWith(".yaml"))
    .flatMap((file) => parseAllDocuments(readFileSync(new URL(file, folder), "utf8")).map((document) => document.toJS() as Manifest));
  const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
  const configMaps = ofKind("ConfigMap");

  it("has a Deployment and a Service for every subgraph and the gateway, and nothing else of ours", () => {
    expect(ofKind("Deployment").map((manifest) => manifest.metadata.name).sort()).toEqual([...services].sort());
    expect(ofKind("Service").map((manifest) => manifest.metadata.name).sort()).toEqual([...services].sort());
    expect(manifests.every((manifest) => ["Deployment", "Service", "ConfigMap"].includes(manifest.kind))).toBe(true);
  });

  it.each(ofKind("Service").map((manifest) => [manifest.metadata.name, manifest] as const))("Service %s serves its port", (name, service) => {
    expect(service.spec.ports.map(({ port, targetPort }) => [port, targetPort])).toEqual([[portOf[name], portOf[name]]]);
  });

  it.each(ofKind("Deployment").map((manifest) => [manifest.metadata.name, manifest] as const))(
    "Deployment %s runs its entry on its port, ready at /ready, live at /health, with only variables env.ts reads",
    (name, deployment) => {
      const [container, ...others] = deployment.spec.template.spec.containers;
      expect(others).toEqual([]);
      const port = portOf[name]!;
      expect(container!.command).toEqual(commandOf(name));
      expect(container!.ports.map((entry) => entry.containerPort)).toEqual([port]);
      expect(container!.readinessProbe.httpGet).toEqual({ path: "/ready", port });
      expect(container!.livenessProbe.httpGet).toEqual({ path: "/health", port });
      if (container!.startupProbe) expect(container!.startupProbe.httpGet).toEqual({ path: "/health", port });

      const env = container!.env ?? [];
      const fromConfigMaps = (container!.envFrom ?? []).flatMap(({ configMapRef }) => {
        const configMap = configMaps.find((manifest) => manifest.metadata.name === configMapRef?.name);
        expect(configMap, `ConfigMap ${configMapRef?.name}`).toBeDefined();
        return Object.keys(configMap?.data ?? {});
      });
      const named = [...env.map((entry) => entry.name), ...fromConfigMaps];
      expect(named.filter((variable) => !known.has(variable))).toEqual([]);
      const role = processRoleOf(name);
      expect(productionRequirements[role].filter((variable) => !named.includes(variable))).toEqual([]);
      expect(forbiddenInProduction[role].filter((variable) => named.includes(variable))).toEqual([]);
      // Secrets are referenced, never written here: the keys come from the Secret.
      const key = role === "gateway" ? "GATEWAY_SIGNING_KEY" : "GATEWAY_VERIFY_KEY";
      expect(env.find((entry) => entry.name === key)?.valueFrom?.secretKeyRef).toEqual({ name: "grondslag", key });
      for (const entry of env) {
        if (entry.valueFrom?.secretKeyRef) expect(entry.valueFrom.secretKeyRef.key).toBe(entry.name);
        if (entry.name.startsWith("SUBGRAPH_URL_")) expectSubgraphUrl(entry.name, entry.value!);
        if (entry.name === "GATEWAY_PORT" || entry.name === "SUBGRAPH_PORT") expect(Number(entry.value)).toBe(port);
      }
      if (name === "gateway") for (const { module } of subgraphs) expect(named).toContain(`SUBGRAPH_URL_${module.name.toUpperCase()}`);
    },
  );
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("exposes exactly the code's ports, sets only variables env.ts reads, and runs built entries without tsx", () => {
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1]?.split(/\s+/).map(Number);
    expect(exposed?.sort()).toEqual(Object.values(portOf).sort());
    const set = [...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((match) => [...match[1]!.matchAll(/(\w+)=/g)].map((pair) => pair[1]!));
    const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
    const runtimeSet = set.filter((variable) => runtime.includes(`${variable}=`));
    expect(runtimeSet.filter((variable) => !known.has(variable))).toEqual([]);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/tsx/);
    expect(runtime).toMatch(/CMD \["node", "stack\/dist\/gateway\.js"\]/);
  });
});
