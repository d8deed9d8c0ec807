/** The users module's models, registered by importing this file (src/models.ts does). */
import './user.model.js';
import './refresh-token.model.js';
import './email-verification.model.js';
