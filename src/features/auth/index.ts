/** Auth's public API for other features and the CLI: password hashing. */
export { hashPassword, verifyPassword } from './password';
