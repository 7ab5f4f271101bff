/** Auth's public API for other features and the CLI: password hashing and login identities. */
export { type PasswordHashKind, hashPassword, verifyPassword } from './password';
export {
  type IdentityStore, type NewIdentity, createIdentity, identityExists, identityStoreOf, setIdentityPassword,
} from './identity-store';
