"""The emulator's genesys-cloud dialect: Genesys Cloud's paths and shapes over the same store."""
