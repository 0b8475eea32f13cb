/** A user as users.list, users.create and users.update describe it (never a password or hash). */
export interface User {
  id: string;
  username: string;
  role: 'viewer' | 'operator' | 'admin' | string;
  active: boolean;
  createdAt?: string;
  updatedAt?: string;
}
