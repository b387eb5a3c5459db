"""`redactor serve`: the websockets app, telephony adapters, agent hub, auth and metrics."""
