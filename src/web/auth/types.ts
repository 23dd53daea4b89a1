export type Role = "admin" | "analyst" | "manager" | "member";
export interface SessionUser { readonly id: string; readonly username: string; readonly displayName: string; readonly role: Role; readonly areas: readonly string[] }
