/**
 * The placements the sandbox shows, with the registration rules of modules/rest/lib/api/placement.php
 * and their pages:
 * - PAGE_BACKGROUND_WORKER (api-reference/widgets/universal/background-worker.md): scope
 *   `placement`; one registration per app (ERROR_PLACEMENT_MAX_COUNT); the only placement with
 *   USER_ID (placement-bind.md); OPTIONS[errorHandlerUrl] required, the only option kept.
 * - REST_APP_URI (universal/app-url.md): one per app.
 * - USER_PROFILE_MENU, USER_PROFILE_TOOLBAR (widgets/user-profile/index.md): scope `user`; OPTIONS
 *   not kept.
 */
export interface PlacementSpec {
  scope: string;
  userMode: boolean;
  maxCount: number;
  /** OPTIONS keys kept, with their type (placement.php `prepareOptions`). */
  options: Record<string, 'string' | 'int'>;
}

export const PLACEMENT_CATALOG: Record<string, PlacementSpec> = {
  PAGE_BACKGROUND_WORKER: {
    scope: 'placement',
    userMode: true,
    maxCount: 1,
    options: { errorHandlerUrl: 'string' },
  },
  REST_APP_URI: { scope: 'placement', userMode: false, maxCount: 1, options: {} },
  USER_PROFILE_MENU: { scope: 'user', userMode: false, maxCount: 0, options: {} },
  USER_PROFILE_TOOLBAR: { scope: 'user', userMode: false, maxCount: 0, options: {} },
};

/** Placements an app may bind: those of its scopes (placement.php `getPlacementList`). */
export function placementAllowed(code: string, scope: readonly string[]): PlacementSpec | undefined {
  const spec = PLACEMENT_CATALOG[code];
  if (!spec) return undefined;
  return scope.includes(spec.scope) ? spec : undefined;
}
