/** Admin work and the checkout's redemptions need discounts:write (admins, the checkout saga's client). */
export const WRITE = { permission: 'discounts:write' } as const;
