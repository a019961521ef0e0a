import { base, en, Faker } from '@faker-js/faker';
import type { PortalState } from '../state/portal-state.ts';
import type { User } from '../state/types.ts';
import { SeedHelpers } from './helpers.ts';

/** All demo dates are relative to this instant, so a seed always yields the same portal. */
export const DEMO_REFERENCE_DATE = new Date('2025-06-02T09:00:00Z');
export const DEMO_EMPLOYEES = 50;
/** Users 1 and 2 are administrators. */
export const DEMO_ADMIN_IDS = [1, 2] as const;
/** Dismissed employees (ACTIVE false). */
export const DEMO_DISMISSED_IDS = [11, 22, 33, 44, 49] as const;

const DEPARTMENTS = ['Sales', 'Marketing', 'Engineering', 'Human Resources', 'Support'];

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function fillPerson(f: Faker, u: User, departmentIds: number[], ref: Date): void {
  const sex = f.person.sex() as 'male' | 'female';
  u.NAME = f.person.firstName(sex);
  u.LAST_NAME = f.person.lastName(sex);
  u.SECOND_NAME = f.helpers.maybe(() => f.person.middleName(sex), { probability: 0.3 }) ?? '';
  u.EMAIL = f.internet
    .email({ firstName: u.NAME, lastName: u.LAST_NAME, provider: 'example.com' })
    .toLowerCase();
  u.XML_ID = f.string.numeric(8);
  u.PERSONAL_GENDER = sex === 'male' ? 'M' : 'F';
  u.PERSONAL_BIRTHDAY = isoDate(f.date.birthdate({ min: 22, max: 64, mode: 'age', refDate: ref }));
  u.PERSONAL_PROFESSION = f.person.jobType();
  u.PERSONAL_WWW = f.helpers.maybe(() => f.internet.url(), { probability: 0.2 }) ?? '';
  u.PERSONAL_PHONE = f.phone.number({ style: 'international' });
  u.PERSONAL_MOBILE = f.phone.number({ style: 'international' });
  u.PERSONAL_STREET = f.location.streetAddress();
  u.PERSONAL_CITY = f.location.city();
  u.PERSONAL_STATE = f.location.state();
  u.PERSONAL_ZIP = f.location.zipCode();
  u.PERSONAL_COUNTRY = f.location.country();
  u.PERSONAL_NOTES = f.helpers.maybe(() => f.lorem.sentence(), { probability: 0.3 }) ?? '';
  u.PERSONAL_PHOTO = `/upload/main/${f.string.alphanumeric(3).toLowerCase()}/avatar_${u.ID}.jpg`;
  u.WORK_PHONE = f.phone.number({ style: 'international' });
  u.WORK_COMPANY = 'Sandbox Ltd';
  u.WORK_POSITION = f.person.jobTitle();
  u.WORK_CITY = f.location.city();
  u.WORK_COUNTRY = u.PERSONAL_COUNTRY;
  u.UF_DEPARTMENT = [f.helpers.arrayElement(departmentIds)];
  u.UF_PHONE_INNER = String(100 + u.ID);
  u.UF_SKYPE = f.internet.username({ firstName: u.NAME, lastName: u.LAST_NAME }).toLowerCase();
  u.UF_LINKEDIN =
    f.helpers.maybe(() => `https://linkedin.example/in/${u.UF_SKYPE}`, { probability: 0.4 }) ?? '';
  u.UF_INTERESTS = f.helpers
    .arrayElements(['chess', 'cycling', 'music', 'hiking', 'cooking', 'travel'], 2)
    .join(', ');
  u.UF_SKILLS = f.helpers
    .arrayElements(['Excel', 'SQL', 'negotiation', 'TypeScript', 'design'], 2)
    .join(', ');
  u.TIME_ZONE = f.helpers.arrayElement(['Europe/Berlin', 'Europe/London', 'Europe/Warsaw', '']);
  const registered = f.date.past({ years: 5, refDate: ref });
  u.DATE_REGISTER = registered.toISOString();
  u.UF_EMPLOYMENT_DATE = isoDate(registered);
  u.LAST_LOGIN = f.date.recent({ days: 30, refDate: ref }).toISOString();
  u.LAST_ACTIVITY_DATE = u.LAST_LOGIN;
  u.TIMESTAMP_X = f.date.between({ from: registered, to: ref }).toISOString();
  u.IS_ONLINE = f.datatype.boolean({ probability: 0.3 });
}

/**
 * The demo portal: 50 employees (users 1–2 administrators, five dismissed), departments, Live
 * Feed posts and comments, private and group chats with messages, notifications, tasks,
 * calendar events and Drive storages. Same seed, same portal.
 */
export function seedDemo(state: PortalState, seed: number): void {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  f.setDefaultRefDate(DEMO_REFERENCE_DATE);
  const h = new SeedHelpers(state);
  let clock = DEMO_REFERENCE_DATE.getTime() - 90 * 86_400_000;
  const tick = (maxMinutes = 600) => {
    clock += f.number.int({ min: 1, max: maxMinutes }) * 60_000;
    return new Date(clock);
  };
  h.now = () => new Date(clock);

  state.name = 'Sandbox Ltd (demo)';
  const root = h.department('Sandbox Ltd');
  const deps = DEPARTMENTS.map((name) => h.department(name, root.id).id);

  const users: User[] = [];
  for (let i = 0; i < DEMO_EMPLOYEES; i++) {
    const u = h.user();
    fillPerson(f, u, deps, DEMO_REFERENCE_DATE);
    u.isAdmin = (DEMO_ADMIN_IDS as readonly number[]).includes(u.ID);
    u.ACTIVE = !(DEMO_DISMISSED_IDS as readonly number[]).includes(u.ID);
    if (!u.ACTIVE) u.IS_ONLINE = false;
    users.push(u);
  }
  for (const [i, d] of [...state.departments.values()].entries()) d.headId = users[i]?.ID ?? null;
  const ids = users.map((u) => u.ID);
  const pick = () => f.helpers.arrayElement(ids);

  for (const u of users) h.storage('user', String(u.ID), `${u.NAME} ${u.LAST_NAME}`);
  h.storage('common', 'shared_files_s1', 'Shared drive');

  for (let i = 0; i < 40; i++) {
    tick();
    const authorId = pick();
    const restricted = f.datatype.boolean({ probability: 0.2 });
    const dest = restricted ? [`U${authorId}`, `U${pick()}`] : ['UA'];
    const titled = f.datatype.boolean({ probability: 0.5 });
    const post = h.post(authorId, f.lorem.paragraphs({ min: 1, max: 3 }), {
      title: titled ? f.lorem.sentence({ min: 3, max: 7 }).replace(/\.$/, '') : '',
      micro: !titled,
      dest,
    });
    const comments = f.number.int({ min: 0, max: 5 });
    for (let c = 0; c < comments; c++) {
      tick(120);
      h.comment(post.id, pick(), f.lorem.sentence());
    }
  }

  for (let i = 0; i < 30; i++) {
    const a = pick();
    let b = pick();
    while (b === a) b = pick();
    const chat = h.privateChat(a, b);
    const n = f.number.int({ min: 3, max: 15 });
    for (let m = 0; m < n; m++) {
      tick(90);
      h.message(chat.id, f.helpers.arrayElement([a, b]), f.lorem.sentence());
    }
  }
  for (let i = 0; i < 5; i++) {
    tick();
    const members = f.helpers.arrayElements(ids, { min: 4, max: 12 });
    const chat = h.chat(members, { title: `${f.company.buzzNoun()} team`, type: 'chat' });
    const n = f.number.int({ min: 10, max: 40 });
    for (let m = 0; m < n; m++) {
      tick(60);
      h.message(chat.id, f.helpers.arrayElement(members), f.lorem.sentence());
    }
  }

  for (let i = 0; i < 60; i++) {
    tick(240);
    h.notification(pick(), f.lorem.sentence(), { tag: `DEMO|${i}` });
  }
  for (let i = 0; i < 60; i++) {
    tick(240);
    const t = h.task(f.hacker.phrase().slice(0, 80), pick(), pick(), {
      description: f.lorem.paragraph(),
      status: f.helpers.arrayElement([2, 3, 5]),
      deadline: f.datatype.boolean()
        ? new Date(clock + f.number.int({ min: 1, max: 30 }) * 86_400_000).toISOString()
        : null,
    });
    t.auditors = f.helpers.arrayElements(ids, { min: 0, max: 2 });
  }
  for (let i = 0; i < 60; i++) {
    tick(240);
    const owner = pick();
    const from = new Date(clock + f.number.int({ min: 1, max: 60 }) * 86_400_000);
    h.calendarEvent(owner, f.company.catchPhrase(), {
      description: f.lorem.sentence(),
      dateFrom: from.toISOString(),
      dateTo: new Date(from.getTime() + 3_600_000).toISOString(),
      attendees: [owner, ...f.helpers.arrayElements(ids, { min: 0, max: 3 })],
    });
  }
}

/** The empty dataset: just the portal's administrator, user 1. */
export function seedEmpty(state: PortalState): void {
  const h = new SeedHelpers(state);
  state.name = 'Sandbox portal';
  const root = h.department('Sandbox portal');
  h.user({
    NAME: 'Admin',
    LAST_NAME: 'Sandbox',
    EMAIL: 'admin@example.test',
    isAdmin: true,
    UF_DEPARTMENT: [root.id],
  });
  h.storage('user', '1', 'Admin Sandbox');
}
