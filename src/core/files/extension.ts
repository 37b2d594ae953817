import type { Extension } from "../registry";
import { fileEvents } from "./events";
import { blobPolicy, filePolicy } from "./service";

/** Uploaded files and the content-addressed bytes under everything. */
export const filesExtension: Extension = { name: "files", events: fileEvents, policies: [filePolicy, blobPolicy] };
