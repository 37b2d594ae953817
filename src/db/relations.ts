import { relations } from "drizzle-orm";
import { departments } from "./schema/organisation";
import { apiTokens, sessions, users } from "./schema/users";
import { blobs, files } from "./schema/files";

export const departmentsRelations = relations(departments, ({ one, many }) => ({
  parent: one(departments, { fields: [departments.parentId], references: [departments.id] }),
  users: many(users),
}));

export const usersRelations = relations(users, ({ one, many }) => ({
  department: one(departments, { fields: [users.departmentId], references: [departments.id] }),
  sessions: many(sessions),
  apiTokens: many(apiTokens),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  user: one(users, { fields: [apiTokens.userId], references: [users.id] }),
}));

export const filesRelations = relations(files, ({ one }) => ({
  blob: one(blobs, { fields: [files.sha256], references: [blobs.sha256] }),
  uploader: one(users, { fields: [files.uploadedBy], references: [users.id] }),
}));
