import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * The browser files GraphiQL needs, served from node_modules: graphiql 3 ships a UMD bundle
 * that expects React 18's UMD builds as globals (graphiql 4 and 5 dropped those for ESM and
 * Monaco, which would need a bundler). Nothing is fetched from a CDN, so it works offline.
 */
const assets: Record<string, { file: string; type: string }> = {
  "/explorer/react.js": { file: join(packageDir("react"), "umd/react.production.min.js"), type: "text/javascript" },
  "/explorer/react-dom.js": { file: join(packageDir("react-dom"), "umd/react-dom.production.min.js"), type: "text/javascript" },
  "/explorer/graphiql.js": { file: join(packageDir("graphiql"), "graphiql.min.js"), type: "text/javascript" },
  "/explorer/graphiql.css": { file: join(packageDir("graphiql"), "graphiql.min.css"), type: "text/css" },
};

const DEFAULT_QUERY = `# Paste a token above (TOKEN=$(npx -y pnpm@10 --silent token anna)), then press the run button.
query Me {
  me {
    givenName
    carePrograms { title }
    consents { purpose { id } state }
  }
}
`;

const page = (graphqlPath: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Grondslag explorer</title>
<link rel="stylesheet" href="/explorer/graphiql.css">
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #token-bar { padding: 8px 12px; display: flex; gap: 8px; align-items: center; border-bottom: 1px solid #ddd; font-size: 14px; }
  #token-bar input { flex: 1; font-family: monospace; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="token-bar">
  <label for="token">Bearer token</label>
  <input id="token" placeholder="paste the output of: npx -y pnpm@10 --silent token anna   (any persona; it lasts an hour)" autocomplete="off">
</div>
<div id="graphiql">Loading the explorer…</div>
<script src="/explorer/react.js"></script>
<script src="/explorer/react-dom.js"></script>
<script src="/explorer/graphiql.js"></script>
<script>
  // The token lives in this field only (not in localStorage). Introspection needs it too:
  // each new token makes a new fetcher, and GraphiQL loads the schema again with it.
  const tokenField = document.getElementById("token");
  const fetcherFor = (token) =>
    GraphiQL.createFetcher({
      url: ${JSON.stringify(graphqlPath)},
      headers: token ? { authorization: "Bearer " + token } : {},
    });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  const render = () => {
    const token = tokenField.value.trim().replace(/^Bearer\s+/i, "");
    root.render(React.createElement(GraphiQL, { fetcher: fetcherFor(token), defaultQuery: ${JSON.stringify(DEFAULT_QUERY)}, shouldPersistHeaders: false }));
  };
  let pending;
  tokenField.addEventListener("input", () => { clearTimeout(pending); pending = setTimeout(render, 300); });
  render();
</script>
</body>
</html>
`;

/**
 * The explorer for development: GraphiQL at `GET /graphql` for a browser (Accept: text/html),
 * and its files under `/explorer/`. Answers true when it served the request.
 */
export function serveExplorer(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (url.pathname === "/graphql" && (req.headers.accept ?? "").includes("text/html")) {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(page(url.pathname));
    return true;
  }
  const asset = assets[url.pathname];
  if (!asset) return false;
  res.setHeader("content-type", `${asset.type}; charset=utf-8`);
  res.setHeader("cache-control", "public, max-age=3600");
  res.end(readFileSync(asset.file));
  return true;
}
