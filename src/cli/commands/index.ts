/** Every `eduzen` command, in the order `eduzen --help` lists them. */
import type { Command } from '../command';
import { dbMigrateCommand } from './db-migrate';
import { dbBackupCommand } from './db-backup';
import { dbCleanupCommand } from './db-cleanup';
import { dbRestoreCommand } from './db-restore';
import { dbStatusCommand } from './db-status';
import { dbUpgradeCommand } from './db-upgrade';
import { dbVerifyCommand } from './db-verify';
import { orgCreateCommand } from './org-create';
import { seedCommand } from './seed';
import { startCommand } from './start';
import { unplacedSessionsListCommand, unplacedSessionsRestoreCommand } from './unplaced-sessions';
import { userCreateCommand } from './user-create';
import { userPasswordCommand } from './user-password';

export const commands: Command[] = [
  startCommand,
  dbMigrateCommand,
  dbStatusCommand,
  dbUpgradeCommand,
  dbVerifyCommand,
  dbCleanupCommand,
  dbBackupCommand,
  dbRestoreCommand,
  unplacedSessionsListCommand,
  unplacedSessionsRestoreCommand,
  seedCommand,
  orgCreateCommand,
  userCreateCommand,
  userPasswordCommand,
];
