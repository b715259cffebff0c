// PostGraphile 5 as a team would run it in front of the Sổ Đoàn database:
// the amber preset, production mode, no GraphiQL, no watching, started by
// `server loadbench --peer` (make bench) beside our own server.
// DATABASE_URL, HOST, PORT and PG_POOL_MAX come from the environment.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { addPgTableCondition } from "postgraphile/utils";
import { TYPES, sqlValueWithCodec } from "postgraphile/@dataplan/pg";
import { sql } from "postgraphile/pg-sql2";

// The generated `condition` argument compares columns for equality only;
// a dashboard counts a unit's activities in a year, so activities also
// take a range of start days, as a PostGraphile user would add it.
const startsOn = (name, op) =>
  addPgTableCondition({ schemaName: "public", tableName: "activities" }, name, (build) => ({
    description: `Activities starting ${op} this day.`,
    type: build.getTypeByName("Date"),
    apply(condition, value) {
      if (value != null) {
        condition.where(sql`${condition.alias}.starts_on ${sql.raw(op)} ${sqlValueWithCodec(value, TYPES.date)}`);
      }
    },
  }));

/** @type {GraphileConfig.Preset} */
export default {
  extends: [PostGraphileAmberPreset],
  plugins: [startsOn("startsOnFrom", ">="), startsOn("startsOnTo", "<=")],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.PG_POOL_MAX ?? 16) },
    }),
  ],
  grafserv: {
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    graphqlOverGET: false,
    watch: false,
    websockets: false,
  },
  grafast: { explain: false },
};
