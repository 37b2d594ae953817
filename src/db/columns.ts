import { timestamp } from "drizzle-orm/pg-core";

/** A timestamptz column read and written as a JS Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** created_at / updated_at, both set by the service from the injected clock. */
export const timestamps = {
  createdAt: tstz("created_at").notNull(),
  updatedAt: tstz("updated_at").notNull(),
};
