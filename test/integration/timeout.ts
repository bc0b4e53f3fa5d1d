// Integration tests drive real emulators and a real host; a photo takes seconds, not milliseconds.
jest.setTimeout(180_000);
