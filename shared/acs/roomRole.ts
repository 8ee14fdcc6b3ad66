/** The roles a participant can hold in an ACS Room. */
export const roomRoles = ['Presenter', 'Attendee', 'Consumer'] as const;
export type RoomRole = (typeof roomRoles)[number];
