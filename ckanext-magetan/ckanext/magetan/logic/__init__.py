"""Actions, auth functions and schemas of ckanext-magetan."""
