"""What coordinators get out of the bot in chat: the data as a workbook."""
