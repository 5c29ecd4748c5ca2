// A front end's first steps with the generated client: log in, list the staff you may
// see, and read the yearly report of the first plan. CI type-checks this against the
// committed OpenAPI document (`tsc --strict`) and runs it against `thidua serve --demo`:
//
//   THIDUA_URL=http://127.0.0.1:8080 THIDUA_USERNAME=officer.na THIDUA_PASSWORD=… node dist/example.js
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Staff = components["schemas"]["StaffResponse"];

const baseUrl = process.env.THIDUA_URL ?? "http://127.0.0.1:8080";
const username = process.env.THIDUA_USERNAME ?? "officer.na";
const password = process.env.THIDUA_PASSWORD ?? "";

async function main(): Promise<void> {
  const api = createClient<paths>({ baseUrl });

  const login = await api.POST("/api/v1/auth/login", { body: { username, password } });
  if (!login.data) {
    throw new Error(`login: ${login.response.status} ${login.error?.title ?? ""}`);
  }
  const token: string = login.data.access_token;
  api.use({
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });

  const staff = await api.GET("/api/v1/staff", {
    params: { query: { per_page: 5, sort: "full_name" } },
  });
  if (!staff.data) {
    throw new Error(`staff: ${staff.response.status} ${staff.error?.title ?? ""}`);
  }
  const names: string[] = staff.data.items.map((s: Staff) => s.full_name);
  console.log(`${staff.data.total} staff; first: ${names.join(", ")}`);

  const plans = await api.GET("/api/v1/plans", { params: { query: { per_page: 1 } } });
  const plan = plans.data?.items[0];
  if (!plan) {
    throw new Error(`plans: ${plans.response.status}, none visible`);
  }
  const report = await api.GET("/api/v1/reports/plans/{plan_id}/yearly", {
    params: { path: { plan_id: plan.id }, query: { format: "json" } },
  });
  if (report.response.status !== 200) {
    throw new Error(`report: ${report.response.status}`);
  }
  console.log(`yearly report of "${plan.title}": ${report.response.headers.get("ETag")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
