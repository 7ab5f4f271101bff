/** Every `eduzen` command, in the order `eduzen --help` lists them. */
import type { Command } from '../command';
import { dbMigrateCommand } from './db-migrate';
import { dbStatusCommand } from './db-status';
import { orgCreateCommand } from './org-create';
import { seedCommand } from './seed';
import { startCommand } from './start';
import { userCreateCommand } from './user-create';
import { userPasswordCommand } from './user-password';

export const commands: Command[] = [
  startCommand,
  dbMigrateCommand,
  dbStatusCommand,
  seedCommand,
  orgCreateCommand,
  userCreateCommand,
  userPasswordCommand,
];
