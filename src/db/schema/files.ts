import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../columns";
import { users } from "./users";

/** Every distinct byte sequence held in blob storage, addressed by its SHA-256. */
export const blobs = pgTable("blobs", {
  sha256: text("sha256").primaryKey(),
  size: bigint("size", { mode: "number" }).notNull(),
  createdAt: tstz("created_at").notNull(),
  lastVerifiedAt: tstz("last_verified_at"),
});

/** A named upload: a file name and media type pointing at a blob, owned by its uploader. */
export const files = pgTable(
  "files",
  {
    id: text("id").primaryKey(),
    sha256: text("sha256")
      .notNull()
      .references(() => blobs.sha256),
    size: bigint("size", { mode: "number" }).notNull(),
    filename: text("filename").notNull(),
    mediaType: text("media_type").notNull(),
    classification: text("classification").notNull(),
    uploadedBy: text("uploaded_by")
      .notNull()
      .references(() => users.id),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [index("files_uploaded_by_idx").on(t.uploadedBy), index("files_sha256_idx").on(t.sha256)],
);

export type BlobRow = typeof blobs.$inferSelect;
export type FileRow = typeof files.$inferSelect;
