"""What runs inside the processes the Pulumi engine starts: the program, a provider's session, the policy rules."""
