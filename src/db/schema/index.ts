export * from "./organisation";
export * from "./users";
export * from "./audit";
export * from "./files";
export * from "./pki";
export * from "./signatures";
export * from "./documents";
