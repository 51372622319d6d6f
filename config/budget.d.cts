/** Types of config/budget.cjs, for the functions that read it through lib/platform/config.ts. */
export declare const DEFAULT_DAILY_BUDGET: number;
export declare const MIN_PUBLIC: number;
export declare const SHARES: Readonly<{ nowPlaying: number; recentlyPlayed: number; topLists: number }>;
export interface BudgetParts {
  daily: number;
  reserves: { refresh: number; owner: number; collector: number };
  public: number;
}
export declare function budgetParts(dailyBudget: number, collectMinutes: number): BudgetParts;
export declare function budgetProblem(text: string | undefined, collectMinutes: number): string | undefined;
export declare function dailyBudget(env: Record<string, string | undefined>, collectMinutes: number): string;
