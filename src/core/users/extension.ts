import type { Extension } from "../registry";
import { userEvents } from "./events";
import { displayNames, findUser } from "./repo";
import { userPolicy } from "./service";

/** People: their accounts, and the person a record can be linked to. */
export const usersExtension: Extension = {
  name: "users",
  events: userEvents,
  policies: [userPolicy],
  linkKinds: [
    {
      kind: "user",
      label: { zh: "人员", en: "Person" },
      objectType: "user",
      exists: async (db, id) => !!(await findUser(db, id)),
      // people are named to everyone signed in (the staff directory)
      describe: (db, _p, ids) => displayNames(db, ids),
    },
  ],
};
