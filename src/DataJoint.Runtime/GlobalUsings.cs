// The runtime's plumbing namespaces, used throughout the runtime (never by users): the SQL seam and logging.
global using DataJoint.Dialects;
global using DataJoint.Logging;
