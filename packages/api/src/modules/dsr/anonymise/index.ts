export * from './anonymise-profile.ts';
export * from './errors.ts';
export { anonymousEmail, anonymousProfile, profileDifferences } from './profile-fields.ts';
export { readProfiles } from './read-profiles.ts';
