// Builds thidua.postman_collection.json from the committed OpenAPI document: every
// operation (a folder per tag, bodies and parameters from the document's examples), bearer
// auth from the `accessToken` variable, a `baseUrl` variable, a fresh Idempotency-Key per
// POST, and first a "Happy path" folder of requests that work in order against
// `thidua serve --demo` (newman runs it in CI: .ci/contract).
//
//   npm run build             # rewrite the collection
//   npm run build -- --check  # fail when the committed collection is not what it would write
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

// The converter draws examples the document does not give at random (json-schema-faker);
// a seeded generator makes the same document write the same collection.
let seed = 0x7468_6964;
Math.random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const require = createRequire(import.meta.url);
const converter = require("openapi-to-postmanv2");

const documentPath = new URL("../../openapi/openapi.json", import.meta.url);
const collectionPath = new URL("./thidua.postman_collection.json", import.meta.url);

const expect2xx = [
  'pm.test(`${pm.info.requestName}: 2xx`, () => pm.expect(pm.response.code).to.be.within(200, 299));',
];

/** A request of the happy path: `exec` runs after it, where ids are kept for the next. */
function step(name, method, path, { body, headers = [], query = [], exec = [], auth } = {}) {
  const [pathOnly] = path.split("?");
  const request = {
    method,
    header: [...headers],
    url: {
      raw: `{{baseUrl}}${path}`,
      host: ["{{baseUrl}}"],
      path: pathOnly.split("/").filter(Boolean),
      query,
    },
  };
  if (body !== undefined) {
    request.header.push({ key: "Content-Type", value: "application/json" });
    request.body = { mode: "raw", raw: JSON.stringify(body, null, 2) };
  }
  if (method === "POST") {
    request.header.push({ key: "Idempotency-Key", value: "{{$guid}}" });
  }
  if (auth) {
    request.auth = auth;
  }
  return {
    name,
    request,
    event: exec.length ? [{ listen: "test", script: { type: "text/javascript", exec } }] : [],
  };
}

const happyPath = {
  name: "Happy path",
  description:
    "Requests that work in order against `thidua serve --demo` as the demo officer " +
    "`officer.na` (set `password` to THIDUA_DEMO_PASSWORD): log in, read your account, " +
    "the staff, a plan with its criteria and its yearly report, add and change a staff " +
    "member (If-Match with the ETag read), refresh the session, log out.",
  event: [{ listen: "test", script: { type: "text/javascript", exec: expect2xx } }],
  item: [
    step("Log in", "POST", "/api/v1/auth/login", {
      body: { username: "{{username}}", password: "{{password}}" },
      auth: { type: "noauth" },
      exec: [
        "const tokens = pm.response.json();",
        'pm.collectionVariables.set("accessToken", tokens.access_token);',
        'pm.collectionVariables.set("refreshToken", tokens.refresh_token);',
      ],
    }),
    step("Your account", "GET", "/api/v1/auth/me", {
      exec: ['pm.collectionVariables.set("unitId", pm.response.json().org_unit.id);'],
    }),
    step("Staff you may see", "GET", "/api/v1/staff?per_page=5&sort=full_name", {
      query: [
        { key: "per_page", value: "5" },
        { key: "sort", value: "full_name" },
      ],
    }),
    step("Plans", "GET", "/api/v1/plans?per_page=1", {
      query: [{ key: "per_page", value: "1" }],
      exec: ['pm.collectionVariables.set("planId", pm.response.json().items[0].id);'],
    }),
    step("A plan", "GET", "/api/v1/plans/{{planId}}"),
    step("Its criteria", "GET", "/api/v1/plans/{{planId}}/criteria"),
    step("Its yearly report", "GET", "/api/v1/reports/plans/{{planId}}/yearly?format=json", {
      query: [{ key: "format", value: "json" }],
    }),
    step("Add a staff member", "POST", "/api/v1/staff", {
      body: {
        org_unit_id: "{{unitId}}",
        full_name: "Nguyễn Thị Thu Trang",
        category: "cong_chuc",
        position: "Chuyên viên",
      },
      exec: [
        'pm.collectionVariables.set("staffId", pm.response.json().id);',
        'pm.collectionVariables.set("staffEtag", pm.response.headers.get("ETag"));',
      ],
    }),
    step("Change them", "PATCH", "/api/v1/staff/{{staffId}}", {
      headers: [{ key: "If-Match", value: "{{staffEtag}}" }],
      body: { position: "Chuyên viên chính" },
    }),
    step("Refresh the session", "POST", "/api/v1/auth/refresh", {
      body: { refresh_token: "{{refreshToken}}" },
      auth: { type: "noauth" },
      exec: [
        "const tokens = pm.response.json();",
        'pm.collectionVariables.set("accessToken", tokens.access_token);',
        'pm.collectionVariables.set("refreshToken", tokens.refresh_token);',
      ],
    }),
    step("Log out", "POST", "/api/v1/auth/logout"),
  ],
};

/** Ids the converter draws at random: dropped, so the same document writes the same file. */
function withoutIds(value) {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "id" && key !== "_postman_id")
        .map(([key, v]) => [key, withoutIds(v)]),
    );
  }
  return value;
}

/** The document's operation a generated request stands for, by method and path. */
function operationOf(openapi, request) {
  const path = "/" + request.url.path.map((p) => p.replace(/^:(.+)$/, "{$1}")).join("/");
  return openapi.paths[path]?.[request.method.toLowerCase()];
}

/** The example the document gives for an operation's body, if any. */
function bodyExample(openapi, operation) {
  for (const content of Object.values(operation.requestBody?.content ?? {})) {
    if (content.example !== undefined) return content.example;
    let schema = content.schema ?? {};
    if (schema.$ref) schema = openapi.components.schemas[schema.$ref.split("/").pop()];
    if (schema?.example !== undefined) return schema.example;
  }
  return undefined;
}

/** A parameter's value from the document (its example, default or first enum value), or
 * empty: never a random one. */
function documentedValue(parameter) {
  const schema = parameter?.schema ?? {};
  const value = parameter?.example ?? schema.example ?? schema.default ?? schema.enum?.[0];
  return value === undefined ? "" : String(value);
}

/**
 * Makes a generated request usable and the same on every build: the collection's bearer
 * auth (the converter names a `bearerToken` variable of its own), a fresh Idempotency-Key
 * per POST (one fixed key would make the second call of any POST a replay or a 422),
 * `If-Match` from an `etag` variable, optional query parameters unticked, path
 * variables named after themselves, documented values instead of random ones, and no
 * saved responses (the converter fakes them).
 */
function tidy(openapi, item) {
  if (item.item) {
    item.item.forEach((child) => tidy(openapi, child));
    return;
  }
  const request = item.request;
  const operation = operationOf(openapi, request);
  if (!operation) {
    throw new Error(`no operation for ${request.method} ${request.url.path.join("/")}`);
  }
  if (request.auth?.type === "bearer") delete request.auth;
  const parameters = operation.parameters ?? [];
  for (const header of request.header ?? []) {
    if (header.key === "Idempotency-Key") header.value = "{{$guid}}";
    if (header.key === "If-Match") header.value = "{{etag}}";
  }
  for (const query of request.url.query ?? []) {
    const parameter = parameters.find((p) => p.in === "query" && p.name === query.key);
    query.value = documentedValue(parameter);
    query.disabled = !parameter?.required;
  }
  const example = bodyExample(openapi, operation);
  if (request.body?.mode === "raw" && example !== undefined) {
    request.body.raw = typeof example === "string" ? example : JSON.stringify(example, null, 2);
  }
  for (const variable of request.url.variable ?? []) {
    variable.value = `{{${variable.key}}}`;
  }
  item.response = [];
}

const document = readFileSync(documentPath, "utf8");
converter.convert(
  { type: "string", data: document },
  {
    folderStrategy: "Tags",
    requestParametersResolution: "Example",
    exampleParametersResolution: "Example",
    includeAuthInfoInExample: false,
  },
  (error, result) => {
    if (error || !result.result) {
      console.error(error ?? result.reason);
      process.exit(1);
    }
    const generated = result.output[0].data;
    const openapi = JSON.parse(document);
    generated.item.forEach((item) => tidy(openapi, item));
    const collection = withoutIds({
      info: {
        name: "thidua",
        description:
          "Thi đua – khen thưởng: every operation of the thidua API, generated from " +
          "openapi/openapi.json by clients/postman/build.mjs (do not edit by hand). Set " +
          "`baseUrl`, `username` and `password`; \"Log in\" in the happy path keeps the " +
          "access token in `accessToken`, which every request sends as its bearer token.",
        schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
      },
      auth: {
        type: "bearer",
        bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }],
      },
      variable: [
        { key: "baseUrl", value: "http://127.0.0.1:8080", type: "string" },
        { key: "username", value: "officer.na", type: "string" },
        { key: "password", value: "", type: "string" },
        { key: "accessToken", value: "", type: "string" },
        { key: "refreshToken", value: "", type: "string" },
      ],
      item: [happyPath, ...generated.item],
    });
    const text = JSON.stringify(collection, null, 2) + "\n";
    if (process.argv.includes("--check")) {
      const committed = readFileSync(collectionPath, "utf8");
      if (committed !== text) {
        console.error(
          "clients/postman/thidua.postman_collection.json is stale: run `npm run --prefix clients/postman build`",
        );
        process.exit(1);
      }
      console.log("postman: the committed collection is current");
    } else {
      writeFileSync(collectionPath, text);
      console.log(`postman: wrote ${collectionPath.pathname}`);
    }
  },
);
