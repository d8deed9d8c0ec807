/**
 * Who is asking. Every query that reads or changes cases is scoped by the principal: a citizen sees
 * only their own cases, an officer or supervisor only their agency's, a manager all (read and
 * review), an agent what the contact centre needs, an administrator the configuration.
 */
export const ROLES = ['citizen', 'agent', 'officer', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles bound to exactly one agency. */
export const AGENCY_ROLES: readonly Role[] = ['officer', 'supervisor'];
export const STAFF_ROLES: readonly Role[] = ['agent', 'officer', 'supervisor', 'manager', 'admin'];

export interface Principal {
  userId: string;
  role: Role;
  /** Agency code for officers and supervisors; absent for other roles. */
  agency?: string;
  name: string;
  email: string;
  language: 'ar' | 'en';
  /** Triage rights: a supervisor who also works the queue of cases without an agency. */
  triage?: boolean;
}

export function isStaff(p: Principal | undefined): boolean {
  return !!p && STAFF_ROLES.includes(p.role);
}
